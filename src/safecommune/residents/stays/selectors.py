"""Reads on notifications of stay, scoped to the user's communes: the commune's staff and the
province roles see them; nobody else (a resident or a host sees nothing here; a host follows
their own notice with its receipt)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safecommune.accounts.jurisdiction import filter_by_communes, scope_for
from safecommune.accounts.roles import READER_ROLES
from safecommune.core.errors import NotFound
from safecommune.residents.models import StayNotice
from safecommune.territory.models import Place, PlaceKind


def stays_visible_to(*, user) -> QuerySet[StayNotice]:
    notices = StayNotice.objects.select_related("commune", "accommodation", "host_household")
    if not scope_for(user).roles & READER_ROLES:
        return notices.none()
    return filter_by_communes(notices, user, roles=READER_ROLES)


def stay_get_for(*, user, id: int) -> StayNotice:
    """One notice the user may see; missing and out-of-scope are the same 404."""
    notice = stays_visible_to(user=user).filter(pk=id).first()
    if notice is None:
        raise NotFound(_("No notification of stay with this number."), field="id",
                       rule="exists")
    return notice


def accommodation_get_for(*, user, id: int) -> Place:
    places = filter_by_communes(Place.objects.select_related("commune"), user,
                                roles=READER_ROLES)
    place = None
    if scope_for(user).roles & READER_ROLES:
        place = places.filter(pk=id, kind=PlaceKind.ACCOMMODATION).first()
    if place is None:
        raise NotFound(_("No accommodation establishment with this number."), field="id",
                       rule="exists")
    return place


def guest_register(*, user, accommodation: Place) -> QuerySet[StayNotice]:
    """The establishment's guests, in order of arrival."""
    return (stays_visible_to(user=user).filter(accommodation=accommodation)
            .order_by("arrival_at", "id"))


def _staying_now() -> Q:
    now = timezone.now()
    return Q(arrival_at__lte=now, departed_at__isnull=True,
             departure_on__gte=timezone.localdate(now))


def stays_now(*, user) -> QuerySet[StayNotice]:
    """Guests who have arrived, not left, and are expected until today or later."""
    return stays_visible_to(user=user).filter(_staying_now()).order_by("arrival_at", "id")


def foreigners_staying_now(*, user) -> QuerySet[StayNotice]:
    """Foreign guests who have arrived, not left, and are expected until today or later."""
    return (stays_visible_to(user=user).filter(_staying_now(), is_foreigner=True)
            .order_by("arrival_at", "id"))


def late_stays(*, user) -> QuerySet[StayNotice]:
    """The work list: late notices no officer has reviewed yet, oldest first."""
    return (stays_visible_to(user=user).filter(is_late=True, reviewed_at__isnull=True)
            .order_by("arrival_at", "id"))


def stay_counts(*, user, commune=None) -> dict[str, int]:
    """Counts for a commune's home page and the work lists, in one query."""
    notices = stays_visible_to(user=user)
    if commune is not None:
        notices = notices.filter(commune=commune)
    return notices.aggregate(
        staying_now=Count("pk", filter=_staying_now()),
        foreigners_now=Count("pk", filter=_staying_now() & Q(is_foreigner=True)),
        late=Count("pk", filter=Q(is_late=True, reviewed_at__isnull=True)),
    )
