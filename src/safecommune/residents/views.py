"""Residents pages for commune staff, and a resident's own household."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import can_edit_commune, can_read_commune, scope_for
from safecommune.accounts.roles import EDITOR_ROLES, READER_ROLES
from safecommune.core.errors import DomainError, NotFound, errors_of
from safecommune.core.pages import visible_or_404
from safecommune.residents import selectors, services
from safecommune.residents.forms import HouseholdForm, MemberForm, PersonEditForm, PersonForm
from safecommune.residents.models import HouseholdMember, Person
from safecommune.territory import selectors as territory_selectors
from safecommune.territory.models import AdministrativeUnit, Level, Structure

LIST_LIMIT = 200


def _fragment_or_page(request, template: str, context: dict, fragment: str, status: int = 200):
    if request.headers.get("HX-Request") == "true":
        template = f"{template}#{fragment}"
    return render(request, template, context, status=status)


def _add_errors(form, exc: Exception) -> list[str]:
    """Put a service's errors on the form; return the links some of them carry."""
    links = []
    for error in errors_of(exc):
        form.add_error(error["field"] if error["field"] in form.fields else None,
                       error["message"])
        if error.get("link"):
            links.append(error["link"])
    return links


def _commune_or_404(code: str) -> AdministrativeUnit:
    try:
        return territory_selectors.commune_get(code=code)
    except NotFound:
        raise Http404 from None


def _communes_with(user, roles) -> list[AdministrativeUnit]:
    ids = scope_for(user).commune_ids(roles)
    communes = AdministrativeUnit.objects.filter(structure=Structure.CURRENT, level=Level.COMMUNE)
    if ids is not None:
        communes = communes.filter(pk__in=ids)
    return list(communes.order_by("name_key", "code"))


def staff_commune_filter(request):
    """The ``?commune=`` a staff list is narrowed to, or None for all in scope.

    Non-staff get 403; a commune outside the user's jurisdiction is a 404 like a missing one.
    """
    if not scope_for(request.user).roles & READER_ROLES:
        raise PermissionDenied
    code = request.GET.get("commune", "")
    if not code:
        return None
    commune = _commune_or_404(code)
    if not can_read_commune(request.user, commune):
        raise Http404
    return commune


def residents_home(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    commune = staff_commune_filter(request)
    query = request.GET.get("q", "")
    results, error = [], None
    if query.strip():
        try:
            results = selectors.person_search(user=request.user, query=query)
        except DomainError as exc:
            error = exc.message
        if commune is not None:
            results = [p for p in results if p.commune_id == commune.pk]
    households = selectors.household_visible_to(user=request.user)
    if commune is not None:
        households = households.filter(commune=commune)
    no_head = request.GET.get("no_head") == "1"
    if no_head:
        households = households.filter(head__isnull=True, archived_at__isnull=True)
    households = households.annotate(
        member_count=Count("members", filter=Q(members__left_on__isnull=True)))
    context = {"commune": commune, "query": query, "results": results, "error": error,
               "no_head": no_head,
               "households": list(households.order_by("commune__name_key", "address_key",
                                                      "id")[:LIST_LIMIT]),
               "may_edit": bool(scope_for(request.user).roles & EDITOR_ROLES)}
    return _fragment_or_page(request, "residents/home.html", context, "results")


def _editable_communes(request) -> tuple[list[AdministrativeUnit], AdministrativeUnit | None]:
    """The communes the user may record residents in, and the one chosen in ?commune=."""
    code = request.GET.get("commune") or request.POST.get("commune") or ""
    if code:
        commune = _commune_or_404(code)
        if not can_edit_commune(request.user, commune):
            raise PermissionDenied
        return [commune], commune
    communes = _communes_with(request.user, EDITOR_ROLES)
    if not communes:
        raise PermissionDenied
    return communes, communes[0] if len(communes) == 1 else None


def _village(commune, village_id: str):
    if not village_id or commune is None:
        return None
    return commune.villages.active().filter(pk=village_id).first()


def _new_record(request, *, form_class, title: str, create):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    communes, chosen = _editable_communes(request)
    villages = list(chosen.villages.active().order_by("name_key")) if chosen else []
    form = form_class(request.POST or None, request.FILES or None, communes=communes,
                      villages=villages, initial={"commune": chosen.code if chosen else ""})
    links, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            commune = next(c for c in communes if c.code == data.pop("commune"))
            village = _village(commune, data.pop("village"))
            try:
                url = create(actor=request.user, unit=commune, village=village, **data)
            except DomainError as exc:
                links = _add_errors(form, exc)
            else:
                return redirect(url)
        status = 400
    return render(request, "residents/form.html", {"form": form, "title": title,
                                                   "links": links}, status=status)


def _url(name: str, obj) -> str:
    return reverse(name, args=[obj.pk])


def person_new(request):
    return _new_record(request, form_class=PersonForm, title=_("New person"),
                       create=lambda **data: _url("person-detail",
                                                  services.person_create(**data)))


def household_new(request):
    return _new_record(request, form_class=HouseholdForm, title=_("New household"),
                       create=lambda **data: _url("household-detail",
                                                  services.household_create(**data)))


def person_detail(request, id: int):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        person = selectors.person_get_for(user=request.user, id=id)
    except NotFound:
        raise Http404 from None
    services.person_record_read(actor=request.user, person=person)
    return render(request, "residents/person.html", {
        "person": person, "memberships": selectors.person_memberships(person=person),
        "has_photo": selectors.person_has_photo(person=person),
        "may_edit": can_edit_commune(request.user, person.commune)})


_EDIT_FIELDS = ("full_name", "birth_date", "sex", "ethnicity", "citizen_id", "passport_number",
                "nationality", "phone")


@login_required
def person_edit(request, id: int):
    """Edit a person: the commune's editors; out of scope is 404, a reader without the right
    to edit gets 403."""
    person = visible_or_404(selectors.person_get_for, user=request.user, id=id)
    if not can_edit_commune(request.user, person.commune):
        raise PermissionDenied
    villages = list(person.commune.villages.active().order_by("name_key"))
    has_photo = selectors.person_has_photo(person=person)
    initial = {name: getattr(person, name) for name in _EDIT_FIELDS}
    initial["village"] = str(person.village_id or "")
    form = PersonEditForm(request.POST or None, request.FILES or None, villages=villages,
                          has_photo=has_photo, initial=initial)
    links, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            changes = {name: data[name] for name in _EDIT_FIELDS}
            changes["village"] = _village(person.commune, data["village"])
            try:
                services.person_update(actor=request.user, person=person,
                                       photo=data.get("photo"),
                                       remove_photo=data.get("remove_photo", False), **changes)
            except DomainError as exc:
                links = _add_errors(form, exc)
            else:
                return redirect("person-detail", id=person.pk)
        status = 400
    title = _("Edit %(name)s") % {"name": person.full_name}
    return render(request, "residents/form.html", {
        "form": form, "title": title, "links": links,
        "cancel_url": reverse("person-detail", args=[person.pk])}, status=status)


@login_required
def person_photo(request, id: int):
    """The photo, for whoever may open the person's record; never cached by anyone."""
    photo = visible_or_404(selectors.person_photo_get_for, user=request.user, id=id)
    response = HttpResponse(bytes(photo.content), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="person-{photo.person_id}.jpg"'
    response["Content-Length"] = str(photo.size)
    return response


def _candidates(household) -> list[Person]:
    """Persons of the household's commune who belong to no household now."""
    busy = HouseholdMember.objects.filter(left_on__isnull=True).values("person_id")
    return list(Person.objects.filter(commune=household.commune_id, archived_at__isnull=True)
                .exclude(pk__in=busy).order_by("name_key", "id")[:LIST_LIMIT])


@login_required
def household_detail(request, id: int):
    household = visible_or_404(selectors.household_get_for, user=request.user, id=id)
    may_edit = can_edit_commune(request.user, household.commune)
    action = request.POST.get("action", "add")
    form = MemberForm(request.POST if action == "add" else None,
                      candidates=_candidates(household) if may_edit else ())
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        try:
            if action == "add":
                if not form.is_valid():
                    raise DomainError("", field=None)
                services.household_add_member(
                    actor=request.user, household=household,
                    person=Person.objects.get(pk=form.cleaned_data["person"]),
                    relation=form.cleaned_data["relation"],
                    joined_on=form.cleaned_data["joined_on"])
            elif action in ("set_head", "move_out"):
                member = household.members.select_related("person").filter(
                    pk=request.POST.get("member"), left_on__isnull=True).first()
                if member is None:
                    raise Http404
                if action == "set_head":
                    services.household_set_head(actor=request.user, household=household,
                                                person=member.person)
                else:
                    services.person_move_out(actor=request.user, person=member.person)
            else:
                raise Http404
        except DomainError as exc:
            if exc.message:
                _add_errors(form, exc)
            status = 400
        else:
            return redirect("household-detail", id=household.pk)
    return render(request, "residents/household.html", {
        "household": household, "may_edit": may_edit, "form": form,
        "members": selectors.household_members(household=household),
        "former_members": [m for m in selectors.household_members(household=household,
                                                                   current=False)
                           if m.left_on is not None]}, status=status)


def my_household(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    person = Person.objects.filter(user=request.user).first()
    households = selectors.household_visible_to(user=request.user).filter(
        pk__in=selectors.own_household_ids(user=request.user))
    rows = [(household, selectors.household_members(household=household))
            for household in households]
    return render(request, "residents/my_household.html", {"person": person, "rows": rows})
