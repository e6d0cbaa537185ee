"""Rank volunteers for a client: hard filters in the database, then an explained score.

The facts come in from the caller (visits.services.episode_shortlist): the client, what
they need, whether the assessment in force makes them high risk, who declined them already,
who supported them before, and the scheme's volunteers with their vetting and caseload.

Hard filters (a volunteer failing any is never on the shortlist; the reason is shown on request):
- active in the pipeline; a valid DBS check; every mandatory course current;
- fewer live clients than their limit;
- a high-risk client only to volunteers the scheme marks experienced;
- the client's gender preference, if any;
- a need for transport only to drivers with insurance confirmed;
- not someone who already declined this episode.

Score (higher is better), from WEIGHTS:
- distance: full marks at the client's door, none at SEARCH_RADIUS_MILES or beyond;
- availability: the share of the client's preferred times the volunteer is free;
- skills: the share of the referral's needs the volunteer offers;
- language: the client's preferred (or main, if not English) language is one they speak;
- caseload: more for volunteers with fewer live clients, to spread the work;
- continuity: the volunteer supported this client before.
"""

from dataclasses import dataclass, field

from django.db.models import F
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from aligns import weekly_grid
from aligns.text import lower_first
from volunteers.geography import bounding_box, locate, miles_between
from volunteers.models import Stage, Volunteer

# The most points a volunteer can score: the sum of the weights.
WEIGHTS = {
    "distance": 30,
    "skills": 25,
    "availability": 20,
    "continuity": 15,
    "language": 10,
    "caseload": 10,
}
SEARCH_RADIUS_MILES = 15
SHORTLIST_SIZE = 10
NEEDS_A_CAR = {"transport"}


# A match in words (and the colour of its tag), by its share of the best possible for this
# client: at least this many per cent.
STRENGTHS = [
    (80, _("Strong match"), "green"),
    (60, _("Good match"), "blue"),
    (0, _("Possible match"), "grey"),
]


@dataclass
class Candidate:
    volunteer: Volunteer
    score: float = 0.0
    best_possible: float = 0.0  # the points a perfect volunteer would score for this client
    miles: float | None = None
    matched: list = field(default_factory=list)
    missed: list = field(default_factory=list)
    refusals: list = field(default_factory=list)

    @property
    def share(self):
        """The score as a whole percentage of the best possible for this client: a
        volunteer who meets every need this client has reads as 100%, whatever the client
        did not ask for (a language, preferred times)."""
        return round(100 * self.score / self.best_possible) if self.best_possible else 0

    @property
    def strength(self):
        return self._band[1]

    @property
    def strength_colour(self):
        return self._band[2]

    @property
    def _band(self):
        return next(band for band in STRENGTHS if self.share >= band[0])


@dataclass(frozen=True)
class Wanted:
    """Whom a volunteer is wanted for: the facts the hard filters and the score work from.

    `client`: the client (their home, preferences and languages). `needs`: what they need
    help with (catalogue rows). `high_risk`: the assessment in force says so.
    `declined_ids`: volunteers who declined this client already. `continuity_ids`:
    volunteers who supported this client before.
    """

    client: object
    needs: tuple = ()
    high_risk: bool = False
    declined_ids: frozenset = frozenset()
    continuity_ids: frozenset = frozenset()
    area_postcode: str = ""  # the scheme's area, for a client whose postcode is not known


@dataclass(frozen=True)
class Match:
    shortlist: list
    ineligible: list
    notes: list  # about the search itself (client location, phone-only support)
    phone_only: bool = False
    needs_postcode: bool = False  # nowhere to search from: the coordinator must say where


def _gender_refusal(gender):
    """The client's preference, in words: a whole sentence for each, for translating. A
    preference is a woman or a man (clients.models.VolunteerGender)."""
    if gender == "man":
        return gettext("The client would prefer a volunteer who is a man")
    return gettext("The client would prefer a volunteer who is a woman")


def _refusals(volunteer, *, high_risk, gender, needs_car, declined_ids):
    """Why `volunteer` fails the hard filters (empty when they pass)."""
    reasons = []
    if volunteer.stage != Stage.ACTIVE:
        reasons.append(
            gettext("Not active (%(stage)s)")
            % {"stage": lower_first(str(volunteer.get_stage_display()))}
        )
    if not volunteer.dbs_valid:
        reasons.append(gettext("No valid DBS check (lapsed or missing)"))
    if not volunteer.training_current:
        reasons.append(gettext("Mandatory training missing or lapsed"))
    if volunteer.active_clients >= volunteer.max_active_clients:
        reasons.append(
            ngettext(
                "At their limit of %(count)s client",
                "At their limit of %(count)s clients",
                volunteer.max_active_clients,
            )
            % {"count": volunteer.max_active_clients}
        )
    if high_risk and not volunteer.experienced:
        reasons.append(gettext("High-risk client: the scheme has not marked them experienced"))
    if gender and volunteer.gender != gender:
        reasons.append(_gender_refusal(gender))
    if needs_car and not (volunteer.driver and volunteer.car_insurance_confirmed):
        reasons.append(gettext("Transport needed: not a driver with insurance confirmed"))
    if volunteer.pk in declined_ids:
        reasons.append(gettext("Declined this client already"))
    return reasons


def _filtered(queryset, *, high_risk, gender, needs_car, declined_ids):
    """The same hard filters as _refusals, in the database."""
    queryset = queryset.filter(
        stage=Stage.ACTIVE,
        dbs_valid=True,
        training_current=True,
        active_clients__lt=F("max_active_clients"),
    ).exclude(pk__in=declined_ids)
    if high_risk:
        queryset = queryset.filter(experienced=True)
    if gender:
        queryset = queryset.filter(gender=gender)
    if needs_car:
        queryset = queryset.filter(driver=True, car_insurance_confirmed=True)
    return queryset


def _client_language(client):
    """The language the client would like their volunteer to speak, if not English."""
    return client.preferred_volunteer_language or (
        client.language if client.language.lower() != "english" else ""
    )


def best_possible(wanted):
    """The most points any volunteer could score for this client: only the parts of the
    score that apply to them (skills if they have needs, availability if they gave preferred
    times, language if they want one, continuity if someone supported them before)."""
    applies = {
        "distance": True,
        "caseload": True,
        "skills": bool(wanted.needs),
        "availability": bool(wanted.client.preferred_times),
        "language": bool(_client_language(wanted.client)),
        "continuity": bool(wanted.continuity_ids),
    }
    return sum(points for name, points in WEIGHTS.items() if applies[name])


def _listed(labels):
    """Needs named inside a sentence: "shopping; befriending and phone calls"."""
    return "; ".join(labels).lower()


def _score(candidate, *, client, origin, needs, continuity_ids):
    volunteer = candidate.volunteer
    points = 0.0
    # Only volunteers with a location are searched (within a box around `origin`).
    candidate.miles = miles_between(origin[0], origin[1], volunteer.latitude, volunteer.longitude)
    closeness = max(0.0, 1 - candidate.miles / SEARCH_RADIUS_MILES)
    points += WEIGHTS["distance"] * closeness
    miles = {"miles": f"{candidate.miles:.1f}"}
    if volunteer.location_is_district:
        where = gettext(
            "%(miles)s miles away (from the centre of their postcode district: their postcode "
            "is not in the table)"
        )
    else:
        where = gettext("%(miles)s miles away")
    candidate.matched.append(where % miles)

    if needs:
        offered = {need.code for need in volunteer.skills.all()}
        covered = [need.shown for need in needs if need.code in offered]
        points += WEIGHTS["skills"] * len(covered) / len(needs)
        if covered:
            candidate.matched.append(gettext("Offers: %(needs)s") % {"needs": _listed(covered)})
        uncovered = [need.shown for need in needs if need.code not in offered]
        if uncovered:
            candidate.missed.append(
                gettext("Does not offer: %(needs)s") % {"needs": _listed(uncovered)}
            )

    if client.preferred_times:
        shared = client.preferred_times & volunteer.availability
        wanted = weekly_grid.count(client.preferred_times)
        points += WEIGHTS["availability"] * weekly_grid.count(shared) / wanted
        if shared:
            candidate.matched.append(
                gettext("Free %(times)s") % {"times": weekly_grid.describe(shared)}
            )
        else:
            candidate.missed.append(gettext("Not free at any of the client's preferred times"))

    language = _client_language(client)
    if language:
        if language.lower() in (spoken.lower() for spoken in volunteer.language_list):
            points += WEIGHTS["language"]
            candidate.matched.append(gettext("Speaks %(language)s") % {"language": language})
        else:
            candidate.missed.append(gettext("Does not speak %(language)s") % {"language": language})

    spare = volunteer.max_active_clients - volunteer.active_clients
    points += WEIGHTS["caseload"] * spare / max(volunteer.max_active_clients, 1)
    candidate.matched.append(
        ngettext(
            "Supporting %(active)s of up to %(count)s client",
            "Supporting %(active)s of up to %(count)s clients",
            volunteer.max_active_clients,
        )
        % {"active": volunteer.active_clients, "count": volunteer.max_active_clients}
    )

    if volunteer.pk in continuity_ids:
        points += WEIGHTS["continuity"]
        candidate.matched.append(gettext("Supported this client before"))
    candidate.score = round(points, 1)


def rank(wanted, volunteers, *, with_ineligible=False):
    """The shortlist for `wanted`, best first, each with what matched and what did not.

    `volunteers`: the scheme's volunteers, annotated with dbs_valid and training_current
    (Volunteer.objects.with_vetting()) and active_clients (how many clients each has now).
    `with_ineligible`: also list up to 50 volunteers nearby who fail a hard filter, and why.
    """
    client, needs = wanted.client, list(wanted.needs)
    rules = {
        "high_risk": wanted.high_risk,
        "gender": client.preferred_volunteer_gender,
        "needs_car": bool(NEEDS_A_CAR & {need.code for need in needs}),
        "declined_ids": wanted.declined_ids,
    }
    notes = []
    origin = locate(client.postcode)
    if origin is not None and origin[2]:
        notes.append(
            gettext(
                "The client's postcode %(postcode)s is not in the postcode table: distances "
                "are from the centre of its district."
            )
            % {"postcode": client.postcode}
        )
    if origin is None:
        # Never every volunteer in the scheme (thousands, in no useful order): near the
        # middle of the scheme's area, or nowhere until the coordinator gives the postcode.
        origin = locate(wanted.area_postcode)
        postcode = client.postcode or pgettext("no postcode", "none")
        if origin is None:
            return Match(
                shortlist=[],
                ineligible=[],
                notes=[
                    gettext(
                        "Neither the client's postcode (%(postcode)s) nor its district is in "
                        "the postcode table, and the scheme's area is not set, so there is "
                        "nowhere to look for volunteers from. Check the client's postcode."
                    )
                    % {"postcode": postcode}
                ],
                needs_postcode=True,
            )
        notes.append(
            gettext(
                "Neither the client's postcode (%(postcode)s) nor its district is in the "
                "postcode table: distances are from the middle of the scheme's area "
                "(%(area)s). Check the client's postcode."
            )
            % {"postcode": postcode, "area": wanted.area_postcode}
        )
    (south, north), (west, east) = bounding_box(origin[0], origin[1], SEARCH_RADIUS_MILES)
    nearby = volunteers.filter(latitude__range=(south, north), longitude__range=(west, east))

    eligible = list(_filtered(nearby, **rules).prefetch_related("skills"))
    most = best_possible(wanted)
    candidates = [Candidate(volunteer, best_possible=most) for volunteer in eligible]
    for candidate in candidates:
        _score(
            candidate, client=client, origin=origin, needs=needs,
            continuity_ids=wanted.continuity_ids,
        )  # fmt: skip
    candidates.sort(key=lambda c: (-c.score, c.miles, c.volunteer.pk))
    shortlist = [c for c in candidates if c.miles <= SEARCH_RADIUS_MILES][:SHORTLIST_SIZE]

    ineligible = []
    if with_ineligible:
        others = nearby.exclude(pk__in=[volunteer.pk for volunteer in eligible]).order_by(
            "family_name", "pk"
        )[:50]
        for volunteer in others:
            ineligible.append(Candidate(volunteer, refusals=_refusals(volunteer, **rules)))
    return Match(shortlist=shortlist, ineligible=ineligible, notes=notes)
