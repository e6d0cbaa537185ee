"""Find a volunteer: each hard filter, the ranking, and the explanation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aligns.accounts.models import Role
from clients.assessment import RiskLevel
from tests.volunteers.conftest import MORNINGS
from visits.models import Assignment, AssignmentStatus
from visits.services import (
    EpisodeActionRefused,
    assignment_decline,
    assignment_withdraw,
    episode_assign_volunteer,
    episode_shortlist,
)
from volunteers.models import DbsCheck, TrainingRecord, Volunteer
from volunteers.services import volunteer_move


def names(candidates):
    return [candidate.volunteer.given_name for candidate in candidates]


def refusals_for(match, volunteer):
    return next(c.refusals for c in match.ineligible if c.volunteer.pk == volunteer.pk)


def test_a_ready_volunteer_nearby_is_shortlisted_with_the_distance(make_volunteer, make_episode):
    volunteer = make_volunteer(given_name="Ready")
    match = episode_shortlist(make_episode())

    (candidate,) = match.shortlist
    assert candidate.volunteer == volunteer
    assert 0.9 < candidate.miles < 1.1
    assert "1.0 miles away" in candidate.matched


TRANSPORT = "Transport needed: not a driver with insurance confirmed"


def _lapse_dbs(volunteer, **_):
    DbsCheck.objects.filter(volunteer=volunteer).update(
        recheck_due=timezone.localdate() - datetime.timedelta(days=1)
    )


def _lapse_training(volunteer, **_):
    TrainingRecord.objects.filter(volunteer=volunteer).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )


def _pause(volunteer, coordinator, **_):
    volunteer_move(volunteer=volunteer, stage="paused", by=coordinator, reason="Holiday")


def _filler(limit):
    def fill(volunteer, coordinator, make_episode, **_):
        volunteer.max_active_clients = limit
        volunteer.save()
        for _ in range(limit):
            episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)

    return fill


def _insured_without_a_car(volunteer, **_):
    volunteer.car_insurance_confirmed = True  # but not a driver
    volunteer.save()


HARD_FILTERS = [
    # (what breaks it, what the episode needs, the reason shown, word for word)
    ("paused", _pause, {}, "Not active (paused)"),
    ("DBS lapsed", _lapse_dbs, {}, "No valid DBS check (lapsed or missing)"),
    ("training lapsed", _lapse_training, {}, "Mandatory training missing or lapsed"),
    ("at their limit of one", _filler(1), {}, "At their limit of 1 client"),
    ("at their limit of two", _filler(2), {}, "At their limit of 2 clients"),
    (
        "not experienced",
        None,
        {"risk": RiskLevel.HIGH},
        "High-risk client: the scheme has not marked them experienced",
    ),
    (
        "a man, not the woman preferred",
        None,
        {"preferred_volunteer_gender": "woman"},
        "The client would prefer a volunteer who is a woman",
    ),
    (
        "a woman, not the man preferred",
        None,
        {"preferred_volunteer_gender": "man"},
        "The client would prefer a volunteer who is a man",
    ),
    ("no car", None, {"needs": ("transport",)}, TRANSPORT),
    ("insured, no car", _insured_without_a_car, {"needs": ("transport",)}, TRANSPORT),
]


@pytest.mark.parametrize(
    ("case", "breaker", "episode_needs", "reason"),
    HARD_FILTERS,
    ids=[case[0] for case in HARD_FILTERS],
)
def test_each_hard_filter_alone_keeps_a_volunteer_off_the_shortlist_with_its_reason(
    make_volunteer, make_episode, coordinator, case, breaker, episode_needs, reason
):
    preferred = episode_needs.get("preferred_volunteer_gender") or "woman"
    make_volunteer(
        given_name="Passing",
        gender=preferred,
        driver=True,
        car_insurance_confirmed=True,
        experienced=True,
    )
    # Like the passing volunteer in every way the case does not test.
    other = {"woman": "man", "man": "woman"}[preferred]
    failing = make_volunteer(
        given_name="Failing",
        gender=other if "preferred_volunteer_gender" in episode_needs else preferred,
    )
    if breaker is not None:
        breaker(failing, coordinator=coordinator, make_episode=make_episode)
    episode = make_episode(**episode_needs)

    match = episode_shortlist(episode, with_ineligible=True)

    assert "Failing" not in names(match.shortlist)
    assert "Passing" in names(match.shortlist)
    assert refusals_for(match, failing) == [reason]


def test_a_volunteer_who_declined_is_not_offered_the_same_client_again(
    make_volunteer, make_episode, coordinator, make_user
):
    user = make_user(Role.VOLUNTEER)
    declining = make_volunteer(given_name="Declining", user=user)
    make_volunteer(given_name="Other")
    episode = make_episode()
    offer = episode_assign_volunteer(episode=episode, volunteer=declining, by=coordinator)

    assignment_decline(assignment=offer, by=user, reason="Moving house")
    match = episode_shortlist(episode, with_ineligible=True)

    assert names(match.shortlist) == ["Other"]
    assert "Declined this client already" in refusals_for(match, declining)


def test_volunteers_beyond_the_search_radius_are_not_listed(make_volunteer, make_episode):
    make_volunteer(postcode="ZZ9 1AA", given_name="Faraway")

    assert episode_shortlist(make_episode(), with_ineligible=True).shortlist == []


def test_the_ranking_weighs_distance_skills_availability_language_and_continuity(
    make_volunteer, make_episode
):
    # Nearest, but offers nothing the client needs.
    make_volunteer(postcode="AB1 2AA", skills=(), given_name="Near")
    # Further, but offers both needs, is free when the client wants, and speaks Polish.
    make_volunteer(
        postcode="AB1 3AA",
        skills=("shopping", "befriending"),
        given_name="Fit",
        availability=MORNINGS,
        languages="English, Polish",
    )
    # Furthest, offers one need.
    make_volunteer(postcode="AB2 1AA", skills=("shopping",), given_name="Far")
    episode = make_episode(
        needs=("shopping", "befriending"),
        preferred_times=MORNINGS,
        preferred_volunteer_language="Polish",
    )

    match = episode_shortlist(episode)

    assert names(match.shortlist) == ["Fit", "Far", "Near"]
    best = match.shortlist[0]
    assert "Offers: shopping; befriending and phone calls" in best.matched
    assert "Speaks Polish" in best.matched
    assert any(text.startswith("Free Monday morning") for text in best.matched)
    near = match.shortlist[-1]
    assert "Does not offer: shopping; befriending and phone calls" in near.missed
    assert "Does not speak Polish" in near.missed


def test_having_supported_the_client_before_counts_in_their_favour(
    make_volunteer, make_episode, coordinator, make_user
):
    user = make_user(Role.VOLUNTEER)
    returning = make_volunteer(postcode="AB1 3AA", given_name="Returning", user=user)
    make_volunteer(postcode="AB1 3AA", given_name="New")
    first = make_episode()
    offer = episode_assign_volunteer(episode=first, volunteer=returning, by=coordinator)
    Assignment.objects.filter(pk=offer.pk).update(status=AssignmentStatus.ENDED)
    first.status = "closed"
    first.save()
    referral_again = first.referral
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory

    again = ReferralFactory(
        ward=referral_again.ward,
        nhs_number=first.client.nhs_number,
        date_of_birth=first.client.date_of_birth,
        postcode="AB1 1AA",
    )
    _, second = referral_accept(referral=again, by=coordinator)

    match = episode_shortlist(second)

    assert names(match.shortlist)[0] == "Returning"
    assert "Supported this client before" in match.shortlist[0].matched


def test_an_unknown_postcode_falls_back_to_its_district_and_says_so(make_volunteer, make_episode):
    make_volunteer(postcode="AB1 9ZZ", given_name="District")
    episode = make_episode()

    (candidate,) = episode_shortlist(episode).shortlist

    assert candidate.volunteer.location_is_district
    # AB1's centre is 0.02° north of the client: 1.38 miles.
    assert candidate.matched[0] == (
        "1.4 miles away (from the centre of their postcode district: their postcode is not "
        "in the table)"
    )


def test_a_client_whose_postcode_is_unknown_is_matched_by_district_with_a_note(
    make_volunteer, make_episode
):
    make_volunteer(given_name="Anyone")
    episode = make_episode()
    episode.client.postcode = "AB2 9ZZ"
    episode.client.save()

    match = episode_shortlist(episode)

    assert match.notes == [
        "The client's postcode AB2 9ZZ is not in the postcode table: distances are from the "
        "centre of its district."
    ]
    assert names(match.shortlist) == ["Anyone"]


def test_a_high_risk_client_awaiting_the_second_sign_off_is_phone_only(
    make_volunteer, make_episode
):
    make_volunteer(given_name="Experienced", experienced=True)

    match = episode_shortlist(make_episode(risk=RiskLevel.HIGH, second_sign_off=False))

    assert match.phone_only
    assert any("phone support only" in note for note in match.notes)
    assert names(match.shortlist) == ["Experienced"]


def test_matching_needs_the_same_number_of_queries_however_many_volunteers(
    make_volunteer, make_episode, django_assert_max_num_queries
):
    episode = make_episode()
    make_volunteer(given_name="First")
    with django_assert_max_num_queries(30) as few:
        episode_shortlist(episode, with_ineligible=True)
    for number in range(12):
        make_volunteer(given_name=f"More{number}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        match = episode_shortlist(episode, with_ineligible=True)

    assert len(match.shortlist) == 10


def test_declining_or_being_withdrawn_from_an_earlier_time_does_not_bar_a_volunteer_now(
    make_volunteer, make_episode, coordinator, make_user
):
    # "Declined this client already" is about this time's support: a volunteer who said no
    # when the client was home before (moving house then), and one whose unanswered offer
    # this time was withdrawn, may both be offered this time.
    user = make_user(Role.VOLUNTEER)
    declined_before = make_volunteer(given_name="Before", user=user)
    withdrawn = make_volunteer(given_name="Withdrawn")
    first = make_episode()
    offer = episode_assign_volunteer(episode=first, volunteer=declined_before, by=coordinator)
    assignment_decline(assignment=offer, by=user, reason="Moving house")
    first.status = "closed"
    first.save()
    from referrals.services import referral_accept
    from tests.factories import ReferralFactory

    _, second = referral_accept(
        referral=ReferralFactory(
            ward=first.referral.ward,
            nhs_number=first.client.nhs_number,
            date_of_birth=first.client.date_of_birth,
        ),
        by=coordinator,
    )
    unanswered = episode_assign_volunteer(episode=second, volunteer=withdrawn, by=coordinator)
    assignment_withdraw(assignment=unanswered, by=coordinator, reason="No answer")

    match = episode_shortlist(second, with_ineligible=True)

    assert second.client == first.client
    assert sorted(names(match.shortlist)) == ["Before", "Withdrawn"]


def test_a_client_whose_district_is_unknown_is_matched_around_the_schemes_area(
    make_volunteer, make_episode
):
    # Near the scheme's middle (AB1 1AA) and far from it (AB2's district is 3.5 miles
    # north): both within the radius, the nearer first, and the note says what was done.
    make_volunteer(postcode="AB1 2AA", given_name="Near")
    make_volunteer(postcode="AB2 9ZZ", given_name="Further")
    episode = make_episode()
    episode.client.postcode = "ZZ99 9ZZ"
    episode.client.save()
    episode.scheme.area_postcode = "AB1 1AA"
    episode.scheme.save()

    match = episode_shortlist(episode)

    assert names(match.shortlist) == ["Near", "Further"]
    assert not match.needs_postcode
    assert match.notes == [
        "Neither the client's postcode (ZZ99 9ZZ) nor its district is in the postcode table: "
        "distances are from the middle of the scheme's area (AB1 1AA). Check the client's "
        "postcode."
    ]


def test_with_no_postcode_to_search_from_nobody_is_ranked_and_the_page_asks_for_one(
    client, coordinator, make_volunteer, make_episode
):
    # Every volunteer in the scheme, in no useful order, would help nobody (and at national
    # size takes seconds): the coordinator is asked for the postcode instead, and the
    # shortlist is empty however many volunteers there are.
    for number in range(3):
        make_volunteer(given_name=f"Anyone{number}")
    episode = make_episode()
    episode.client.postcode = "ZZ99 9ZZ"
    episode.client.save()
    episode.scheme.area_postcode = ""
    episode.scheme.save()
    client.force_login(coordinator)

    match = episode_shortlist(episode, with_ineligible=True)
    page = client.get(reverse("visits:match", args=[episode.pk])).content.decode()

    assert (match.shortlist, match.ineligible, match.needs_postcode) == ([], [], True)
    assert match.notes == [
        "Neither the client's postcode (ZZ99 9ZZ) nor its district is in the postcode table, "
        "and the scheme's area is not set, so there is nowhere to look for volunteers from. "
        "Check the client's postcode."
    ]
    assert "nowhere to look for volunteers from. Check the client&#x27;s postcode." in page
    assert reverse("clients:edit", args=[episode.client.pk]) in page
    with pytest.raises(EpisodeActionRefused, match="not on the shortlist"):
        episode_assign_volunteer(
            episode=episode, volunteer=Volunteer.objects.first(), by=coordinator
        )


def test_a_client_with_no_postcode_at_all_is_told_so_in_so_many_words(make_volunteer, make_episode):
    make_volunteer(given_name="Anyone")
    episode = make_episode()
    episode.client.postcode = ""
    episode.client.save()
    episode.scheme.area_postcode = ""
    episode.scheme.save()

    match = episode_shortlist(episode)

    assert match.notes == [
        "Neither the client's postcode (none) nor its district is in the postcode table, and "
        "the scheme's area is not set, so there is nowhere to look for volunteers from. Check "
        "the client's postcode."
    ]


def test_only_volunteers_near_the_client_are_listed_as_ineligible_by_name_fifty_at_most(
    scheme, make_episode
):
    # Paused volunteers (each fails a hard filter): 51 at the client's door, named so that
    # their order by name is not the order they were made; one 69 miles north and one 69
    # miles west, who are nobody's concern here.
    episode = make_episode()
    at_the_door = [
        Volunteer(scheme=scheme, given_name="Near", family_name=f"N{(n * 7) % 51:02d}",
                  postcode="AB1 1AA", stage="paused", latitude=52.0, longitude=-1.0)
        for n in range(51)
    ]  # fmt: skip
    far = [
        Volunteer(scheme=scheme, given_name="North", family_name="Far", postcode="ZZ9 1AA",
                  stage="paused", latitude=53.0, longitude=-1.0),
        Volunteer(scheme=scheme, given_name="West", family_name="Far", postcode="ZZ9 2AA",
                  stage="paused", latitude=52.0, longitude=-2.64),
    ]  # fmt: skip
    Volunteer.objects.bulk_create(at_the_door + far)

    ineligible = episode_shortlist(episode, with_ineligible=True).ineligible

    assert [c.volunteer.family_name for c in ineligible] == [f"N{n:02d}" for n in range(50)]


def test_a_client_with_no_postcode_is_matched_around_the_schemes_area_and_told_so(
    make_volunteer, make_episode
):
    make_volunteer(postcode="AB1 2AA", given_name="Near")
    episode = make_episode()
    episode.client.postcode = ""
    episode.client.save()

    match = episode_shortlist(episode)

    assert names(match.shortlist) == ["Near"]
    assert match.notes == [
        "Neither the client's postcode (none) nor its district is in the postcode table: "
        "distances are from the middle of the scheme's area (AB1 1AA). Check the client's "
        "postcode."
    ]
