"""Demo residence history goes through the services: valid, audited, deterministic."""

from safecommune.core.audit import audit_verify
from safecommune.demo.history import seed_demo_history
from safecommune.demo.names import HAI_SON_MIX
from safecommune.demo.population import seed_commune_population
from safecommune.demo.seed import seed_demo_territories
from safecommune.residents.models import Absence, ResidenceRecord, StayNotice


def test_hai_son_gets_temporary_residents_absences_and_foreign_guests(units):
    seed_demo_territories()
    seed_commune_population(commune=units("2025", "06724"), people=1500, mix=HAI_SON_MIX,
                            seed=3)
    report = seed_demo_history(codes=["06724"])
    assert report.temporary == ResidenceRecord.objects.filter(kind="temporary").count() > 10
    assert Absence.objects.count() == report.absences
    foreign = StayNotice.objects.filter(is_foreigner=True, guest_nationality="CN")
    assert foreign.exists() and all(n.accommodation_id for n in foreign)
    assert StayNotice.objects.filter(is_late=True).exists()
    assert audit_verify().ok
    # Running it again adds nothing.
    assert seed_demo_history(codes=["06724"]).stays == 0
