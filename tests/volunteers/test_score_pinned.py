"""The shortlist's score, worked out by hand from the weights in volunteers/matching.py's
docstring (distance 30, skills 25, availability 20, continuity 15, language 10, caseload 10)
for two volunteers, with every reason shown to the coordinator, word for word.

The client lives at AB1 1AA (52.0° N, 1.0° W), needs shopping and collecting prescriptions,
would like calls on Monday to Thursday mornings, and speaks Polish (their main language).

| | Ada | Bea |
|---|---|---|
| home | AB1 3AA, 0.0435° north: 3.0056 miles | AB1 2AA, 0.0145° north: 1.0019 miles |
| distance, 30 x (1 - miles/15) | 23.99 | 28.00 |
| skills, 25 x share of needs offered | shopping only: 12.5 | both: 25 |
| availability, 20 x share of preferred times free | Mon and Tue mornings: 10 | none: 0 |
| language, 10 | speaks Polish: 10 | no: 0 |
| caseload, 10 x spare places / limit | 1 of 3: 6.67 | 0 of 1: 10 |
| score (one decimal) | 63.2 | 63.0 |

The best possible for this client is every part that applies to them: distance 30, skills 25,
availability 20, language 10, caseload 10 = 95 (no continuity: nobody supported them before).
Ada 63.2 / 95 = 66.5%, Bea 63.0 / 95 = 66.3%: both 67%, a good match (60% or more).
"""

from aligns import weekly_grid
from visits.models import Assignment, AssignmentStatus
from visits.services import episode_shortlist

MORNINGS_MON_TO_THU = weekly_grid.to_mask(
    f"{day} morning" for day in ("Monday", "Tuesday", "Wednesday", "Thursday")
)


def test_each_volunteers_score_and_reasons_are_those_counted_by_hand(
    make_volunteer, make_episode, coordinator
):
    episode = make_episode(
        needs=("shopping", "prescriptions"), preferred_times=MORNINGS_MON_TO_THU, language="Polish"
    )
    ada = make_volunteer(
        postcode="AB1 3AA", given_name="Ada", skills=("shopping",), languages="English, Polish",
        availability=weekly_grid.to_mask(
            ["Monday morning", "Tuesday morning", "Saturday evening"]
        ),
        max_active_clients=3,
    )  # fmt: skip
    Assignment.objects.create(
        episode=make_episode(), volunteer=ada, status=AssignmentStatus.ACCEPTED,
        offered_by=coordinator,
    )  # fmt: skip
    make_volunteer(
        postcode="AB1 2AA", given_name="Bea", skills=("shopping", "prescriptions"),
        availability=weekly_grid.to_mask(["Friday afternoon"]), max_active_clients=1,
    )  # fmt: skip

    ada_ranked, bea_ranked = episode_shortlist(episode).shortlist

    assert (ada_ranked.volunteer.given_name, ada_ranked.score) == ("Ada", 63.2)
    assert (bea_ranked.volunteer.given_name, bea_ranked.score) == ("Bea", 63.0)
    assert (ada_ranked.best_possible, ada_ranked.share, ada_ranked.strength) == (
        95,
        67,
        "Good match",
    )
    assert (bea_ranked.best_possible, bea_ranked.share, bea_ranked.strength) == (
        95,
        66,
        "Good match",
    )
    assert ada_ranked.matched == [
        "3.0 miles away",
        "Offers: shopping",
        "Free Monday morning, Tuesday morning",
        "Speaks Polish",
        "Supporting 1 of up to 3 clients",
    ]
    assert ada_ranked.missed == ["Does not offer: collecting prescriptions"]
    assert bea_ranked.matched == [
        "1.0 miles away",
        "Offers: shopping; collecting prescriptions",
        "Supporting 0 of up to 1 client",
    ]
    assert bea_ranked.missed == [
        "Not free at any of the client's preferred times",
        "Does not speak Polish",
    ]


def test_a_client_whose_main_language_is_english_asks_for_no_language_match(
    make_volunteer, make_episode
):
    episode = make_episode(needs=("shopping",), language="English")
    make_volunteer(postcode="AB1 1AA", given_name="Cas", languages="English", skills=())

    (ranked,) = episode_shortlist(episode).shortlist

    # At the door (30), no needs offered (0), no preferred times (none asked), an empty
    # caseload (10): 40, and nothing said about language either way.
    assert ranked.score == 40.0
    # The best possible for them is distance, skills and caseload (65): 40 is 62%.
    assert (ranked.best_possible, ranked.share, ranked.strength) == (65, 62, "Good match")
    assert not [text for text in ranked.matched + ranked.missed if "peak" in text]


def test_a_match_reads_in_words_by_its_share_of_the_best_possible():
    from volunteers.matching import Candidate

    def words(score):
        candidate = Candidate(volunteer=None, score=score, best_possible=50)
        return candidate.share, candidate.strength, candidate.strength_colour

    assert words(50) == (100, "Strong match", "green")
    assert words(40) == (80, "Strong match", "green")
    assert words(39.5) == (79, "Good match", "blue")
    assert words(30) == (60, "Good match", "blue")
    assert words(29.5) == (59, "Possible match", "grey")
    assert words(0) == (0, "Possible match", "grey")


def test_continuity_counts_towards_the_best_possible_only_when_someone_supported_them_before():
    from volunteers.matching import Wanted, best_possible

    class Client:
        preferred_times = 0
        preferred_volunteer_language = ""
        language = "English"

    assert best_possible(Wanted(client=Client())) == 40
    assert best_possible(Wanted(client=Client(), continuity_ids=frozenset({7}))) == 55
