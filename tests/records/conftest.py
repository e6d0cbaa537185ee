# The client and volunteer records these tests open come from the apps' own fixtures.
from tests.clients.conftest import client_record  # noqa: F401
from tests.volunteers.conftest import (  # noqa: F401
    make_episode,
    make_volunteer,
    mandatory_course,
    postcodes,
)
