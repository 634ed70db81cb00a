"""Demo people: valid CCCDs, households with one head, deterministic, audited in bulk."""

from collections import Counter

from safecommune.core.audit import audit_verify
from safecommune.core.models import AuditEntry
from safecommune.demo.names import IA_KRAI_MIX
from safecommune.demo.population import seed_commune_population
from safecommune.demo.seed import seed_demo_territories
from safecommune.residents.cccd import validate_cccd
from safecommune.residents.models import Household, HouseholdMember, Person


def make(units, people=600, seed=7):
    seed_demo_territories()
    return seed_commune_population(commune=units("2025", "23776"), people=people,
                                   mix=IA_KRAI_MIX, seed=seed)


def test_people_have_structurally_valid_cccds_from_gia_lai(units):
    persons, households = make(units)
    assert persons >= 600 and households > 100
    for person in Person.objects.exclude(citizen_id=""):
        validate_cccd(person.citizen_id, birth_date=person.birth_date, sex=person.sex)
        assert person.citizen_id.startswith("064")  # Gia Lai before 2025


def test_every_household_has_exactly_one_head_who_is_its_head(units):
    make(units)
    heads = Counter(HouseholdMember.objects.filter(relation="head")
                    .values_list("household_id", flat=True))
    assert set(heads.values()) == {1}
    for household in Household.objects.select_related("head")[:50]:
        assert household.members.get(relation="head").person == household.head


def test_mix_of_ethnicities_and_villages_follows_the_commune(units):
    make(units, people=2000)
    shares = Counter(Person.objects.values_list("ethnicity", flat=True))
    assert 0.40 < shares["gia_rai"] / sum(shares.values()) < 0.54
    assert Person.objects.values("village").distinct().count() > 20


def test_same_seed_gives_the_same_people(units):
    make(units, people=300, seed=11)
    first = list(Person.objects.order_by("id").values_list("full_name", "birth_date"))
    Person.objects.update(citizen_id="")
    HouseholdMember.objects.all().delete()
    Household.objects.all().delete()
    Person.objects.all().delete()
    make(units, people=300, seed=11)
    assert list(Person.objects.order_by("id").values_list("full_name", "birth_date")) == first


def test_one_bulk_audit_entry_per_commune(units):
    persons, _households = make(units, people=300)
    entry = AuditEntry.objects.get(action="demo.population")
    assert entry.row_count == persons and entry.commune.code == "23776"
    assert audit_verify().ok
