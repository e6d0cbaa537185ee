from django.urls import reverse

from tests.factories import ReferralFactory, WardStaffFactory


def test_a_name_with_an_apostrophe_or_markup_is_shown_escaped_never_as_html(client, scheme):
    referral = ReferralFactory(
        ward__hospital__scheme=scheme, given_name="<b>Gregory</b>", family_name="O'Donnell"
    )
    staff = WardStaffFactory(scheme=scheme, wards=[referral.ward])
    client.force_login(staff)

    html = client.get(reverse("referrals:ward_list")).content.decode()

    assert "&lt;b&gt;Gregory&lt;/b&gt; O&#x27;Donnell" in html
    assert "<b>Gregory</b>" not in html
