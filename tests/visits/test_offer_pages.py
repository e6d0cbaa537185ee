"""The coordinator's volunteer match page and offers; the volunteer's offers page and answer."""

from django.urls import reverse

from aligns.accounts.models import Role
from tests.factories import CoordinatorFactory
from visits.models import AssignmentStatus
from visits.services import episode_assign_volunteer


def test_another_schemes_coordinator_finds_neither_volunteer_nor_episode(
    client, make_volunteer, make_episode, other_scheme
):
    volunteer, episode = make_volunteer(), make_episode()
    client.force_login(CoordinatorFactory(scheme=other_scheme))

    assert client.get(reverse("records:volunteer", args=[volunteer.pk])).status_code == 404
    assert client.get(reverse("visits:match", args=[episode.pk])).status_code == 404
    response = client.post(reverse("visits:offer", args=[episode.pk]), {"volunteer": volunteer.pk})
    assert response.status_code == 404


def test_a_manager_may_look_but_not_match(client, manager, make_episode):
    client.force_login(manager)

    assert client.get(reverse("records:volunteers")).status_code == 200
    assert client.get(reverse("visits:match", args=[make_episode().pk])).status_code == 403


def test_the_coordinator_sees_the_explained_shortlist_and_offers(
    client, coordinator, make_volunteer, make_episode
):
    volunteer = make_volunteer(given_name="Shortlisted")
    episode = make_episode()
    client.force_login(coordinator)

    page = client.get(reverse("visits:match", args=[episode.pk])).content.decode()
    offered = client.post(
        reverse("visits:offer", args=[episode.pk]), {"volunteer": volunteer.pk}, follow=True
    )

    assert "Shortlisted" in page and "1.0 miles away" in page and "Offers: shopping" in page
    assert "Offered to Shortlisted" in offered.content.decode()
    assert episode.assignments.get().status == AssignmentStatus.OFFERED


def test_a_volunteer_sees_only_their_own_offers_and_accepting_puts_the_client_on_today(
    client, make_user, make_volunteer, make_episode, coordinator
):
    me = make_user(Role.VOLUNTEER)
    mine = make_volunteer(user=me, given_name="Mine")
    theirs = make_volunteer(given_name="Theirs", user=make_user(Role.VOLUNTEER))
    my_offer = episode_assign_volunteer(
        episode=make_episode(given_name="Winifred"), volunteer=mine, by=coordinator
    )
    their_offer = episode_assign_volunteer(
        episode=make_episode(given_name="Bartholomew"), volunteer=theirs, by=coordinator
    )
    client.force_login(me)

    page = client.get(reverse("visits:offers")).content.decode()
    accepted = client.post(reverse("visits:offer_accept", args=[my_offer.pk]), follow=True)

    assert "would you support Winifred?" in page and "shopping" in page
    assert "Bartholomew" not in page and "Theirs" not in page
    assert accepted.redirect_chain[-1][0] == reverse("visits:today")
    assert "Winifred is now on your list" in accepted.content.decode()
    assert "Winifred" in client.get(reverse("visits:today")).content.decode()
    assert "No new clients are waiting" in client.get(reverse("visits:offers")).content.decode()
    assert client.post(reverse("visits:offer_accept", args=[their_offer.pk])).status_code == 404
    their_offer.refresh_from_db()
    assert their_offer.status == AssignmentStatus.OFFERED


def test_a_volunteers_start_page_points_to_their_new_offers(
    client, make_user, make_volunteer, make_episode, coordinator
):
    me = make_user(Role.VOLUNTEER)
    volunteer = make_volunteer(user=me)
    client.force_login(me)
    before = client.get(reverse("visits:today")).content.decode()

    episode_assign_volunteer(episode=make_episode(), volunteer=volunteer, by=coordinator)
    after = client.get(reverse("visits:today")).content.decode()

    assert "new client" not in before
    assert "You have 1 new client to say yes or no to" in after
    assert reverse("visits:offers") in after


def test_an_episode_cannot_be_offered_to_another_schemes_volunteer_or_a_made_up_id(
    client, coordinator, make_episode, other_scheme
):
    from volunteers.services import volunteer_create

    foreign = volunteer_create(
        scheme=other_scheme, by=None, given_name="Far", family_name="Away", postcode="AB1 2AA"
    )
    episode = make_episode()
    client.force_login(coordinator)
    url = reverse("visits:offer", args=[episode.pk])

    assert client.post(url, {"volunteer": foreign.pk}).status_code == 404
    assert client.post(url, {"volunteer": "abc"}).status_code == 404
    assert client.post(url, {}).status_code == 404
    # Digits int() refuses or a database integer cannot hold: still "not found".
    for made_up in ["\u00b2", "\u0663", "9" * 5000, str(2**63), "-1", "0"]:
        assert client.post(url, {"volunteer": made_up}).status_code == 404, made_up
    assert not episode.assignments.exists()


def test_a_volunteer_cannot_decline_someone_elses_offer(
    client, make_user, make_volunteer, make_episode, coordinator
):
    theirs = make_volunteer(user=make_user(Role.VOLUNTEER))
    offer = episode_assign_volunteer(episode=make_episode(), volunteer=theirs, by=coordinator)
    me = make_user(Role.VOLUNTEER)
    make_volunteer(user=me, given_name="Me")
    client.force_login(me)

    response = client.post(reverse("visits:offer_decline", args=[offer.pk]), {"reason": "x"})

    assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.status == AssignmentStatus.OFFERED
