from django.urls import reverse


def test_a_person_updates_their_own_phone_and_it_is_stored_in_standard_form(client, volunteer):
    client.force_login(volunteer)

    response = client.post(
        reverse("accounts:account"),
        {"full_name": volunteer.full_name, "phone": "+447700900982", "preferred_language": "en-gb"},
        follow=True,
    )

    volunteer.refresh_from_db()
    assert volunteer.phone == "07700 900982"
    assert "Your details have been saved." in response.content.decode()


def test_a_bad_phone_number_is_explained_and_what_was_typed_is_kept(client, volunteer):
    client.force_login(volunteer)

    response = client.post(
        reverse("accounts:account"), {"full_name": "Changed Name", "phone": "12345"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a phone number, like" in html
    assert 'value="Changed Name"' in html
    assert 'value="12345"' in html
    volunteer.refresh_from_db()
    assert volunteer.full_name != "Changed Name"


def test_a_blank_name_is_refused(client, volunteer):
    client.force_login(volunteer)

    response = client.post(reverse("accounts:account"), {"full_name": "   ", "phone": ""})

    assert response.status_code == 200
    assert "Enter your full name" in response.content.decode()
