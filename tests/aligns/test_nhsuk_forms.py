"""The nhsuk crispy template pack, the error summary and aligns.forms.DateField."""

import datetime
from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.template import Context, Template

from aligns.forms import DateField, DateInput, Reveal

# --- A small HTML reader -------------------------------------------------------------------

VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = dict(attrs)
        self.parent = parent
        self.children = []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    @property
    def described_by(self):
        return (self.attrs.get("aria-describedby") or "").split()

    @property
    def raw_text(self):
        return "".join(c if isinstance(c, str) else c.raw_text for c in self.children)

    @property
    def text(self):
        return " ".join(self.raw_text.split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, class_=None, **attrs):
        return [
            element
            for element in self.iter()
            if (tag is None or element.tag == tag)
            and (class_ is None or class_ in element.classes)
            and all(element.attrs.get(name) == value for name, value in attrs.items())
        ]

    def by_id(self, element_id):
        found = self.find_all(id=element_id)
        assert len(found) == 1, f"expected one element with id {element_id!r}, found {len(found)}"
        return found[0]

    def closest(self, tag):
        element = self.parent
        while element is not None and element.tag != tag:
            element = element.parent
        return element


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID_TAGS:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        element = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html):
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.root


# --- A form with one of each kind of field -------------------------------------------------

CONTACT_CHOICES = [("phone", "Phone"), ("email", "Email"), ("post", "Post")]
NEED_CHOICES = [("shopping", "Shopping"), ("meds", "Collecting medicines"), ("lifts", "Lifts")]
WARD_CHOICES = [("", "Choose a ward"), ("a1", "Ward A1"), ("b2", "Ward B2")]


class PatientForm(forms.Form):
    full_name = forms.CharField(
        label="Full name", max_length=20, help_text="As it appears on their NHS record"
    )
    email = forms.EmailField(label="Email address")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, max_length=500)
    contact = forms.ChoiceField(
        label="How should we contact them?", choices=CONTACT_CHOICES, widget=forms.RadioSelect
    )
    needs = forms.MultipleChoiceField(
        label="What help do they need?",
        choices=NEED_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply",
    )
    consent = forms.BooleanField(label="They agree to a volunteer visiting")
    ward = forms.ChoiceField(label="Ward", choices=WARD_CHOICES)
    date_of_birth = DateField(label="Date of birth", help_text="For example, 15 3 1984")


VALID_DATA = {
    "full_name": "Ada Lovelace",
    "email": "ada@example.org",
    "notes": "Lives alone.\nDog called Rex.",
    "contact": "email",
    "needs": ["shopping", "lifts"],
    "consent": "on",
    "ward": "b2",
    "date_of_birth_day": "10",
    "date_of_birth_month": "12",
    "date_of_birth_year": "1940",
}

# Every field wrong: nothing chosen, and what is typed cannot be accepted.
ALL_WRONG_DATA = {
    "full_name": "A name far too long for the box",
    "email": "not an email",
    "notes": "",
    "ward": "",
    "date_of_birth_day": "",
    "date_of_birth_month": "",
    "date_of_birth_year": "",
}

# Choices made, but some typed answers wrong, so the page comes back with errors.
TYPED_DATA = {
    **VALID_DATA,
    "full_name": "Augusta Ada King, Countess of Lovelace",
    "email": "ada at example",
    "date_of_birth_day": "31",
    "date_of_birth_month": "2",
    "date_of_birth_year": "2020",
}


def render_crispy(form, **context):
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(
        Context({"form": form, **context})
    )


def render_summary(form):
    return Template('{% include "nhsuk/error_summary.html" with form=form %}').render(
        Context({"form": form})
    )


def bound(data, form_class=PatientForm):
    form = form_class(data=data)
    form.is_valid()
    return form


def first_input(dom, form, name):
    """The first input, select or textarea that the browser would submit for a field."""
    html_name = form[name].html_name
    for element in dom.iter():
        if element.tag in {"input", "select", "textarea"}:
            submitted_as = element.attrs.get("name", "")
            if submitted_as == html_name or submitted_as.startswith(f"{html_name}_"):
                return element
    raise AssertionError(f"no input for {name}")


def describing_element(dom, form, name):
    """Where assistive technology reads hint and error from: the input, or its fieldset."""
    element = first_input(dom, form, name)
    if form[name].use_fieldset:
        return element.closest("fieldset")
    return element


# --- The error summary -------------------------------------------------------------------------


def test_it_links_every_field_error_in_the_summary_to_an_input_of_that_field():
    form = bound(ALL_WRONG_DATA)
    dom = parse(render_crispy(form))
    summary = parse(render_summary(form))

    expected = [(name, error) for name in form.fields for error in form.errors.get(name, [])]
    assert len(expected) == len(form.fields)  # every field has something wrong
    links = summary.find_all("a")
    assert [link.text for link in links] == [error for _, error in expected]
    for link, (name, _) in zip(links, expected, strict=True):
        target = dom.by_id(link.attrs["href"].removeprefix("#"))
        assert target.tag in {"input", "select", "textarea"}
        assert target is first_input(dom, form, name)


def test_it_links_a_date_error_to_the_day_box_and_a_choice_error_to_the_first_option():
    form = bound(ALL_WRONG_DATA)
    hrefs = [link.attrs["href"] for link in parse(render_summary(form)).find_all("a")]

    assert "#id_date_of_birth_0" in hrefs
    assert "#id_contact_0" in hrefs
    assert "#id_needs_0" in hrefs


def test_it_uses_the_nhs_error_summary_markup():
    summary = parse(render_summary(bound(ALL_WRONG_DATA)))

    (box,) = summary.find_all("div", class_="nhsuk-error-summary")
    assert box.attrs["data-module"] == "nhsuk-error-summary"
    (alert,) = box.find_all(role="alert")
    (heading,) = alert.find_all("h2", class_="nhsuk-error-summary__heading")
    assert heading.text == "There is a problem"
    assert alert.find_all("ul", class_="nhsuk-error-summary__list")


class ConsistentForm(forms.Form):
    full_name = forms.CharField(label="Full name")

    def clean(self):
        raise ValidationError("These details do not match our records")


def test_it_shows_errors_for_the_whole_form_at_the_top_and_unlinked_in_the_summary():
    form = bound({"full_name": "Ada"}, ConsistentForm)
    dom = parse(render_crispy(form))
    summary = parse(render_summary(form))

    elements = list(dom.iter())
    (message,) = dom.find_all(class_="nhsuk-error-message")
    assert message.text == "Error: These details do not match our records"
    assert elements.index(message) < elements.index(dom.by_id("id_full_name"))
    (item,) = summary.find_all("li")
    assert item.text == "These details do not match our records"
    assert not item.find_all("a")


# --- Errors, hints and typed values on the fields -------------------------------------------


def test_it_shows_each_field_error_and_points_the_field_at_it():
    form = bound(ALL_WRONG_DATA)
    dom = parse(render_crispy(form))

    for name in form.fields:
        field_id = form[name].auto_id
        message = dom.by_id(f"{field_id}-error")
        assert "nhsuk-error-message" in message.classes
        (hidden,) = message.find_all("span", class_="nhsuk-u-visually-hidden")
        assert hidden.text == "Error:"
        assert message.text == f"Error: {' '.join(form.errors[name])}"
        assert f"{field_id}-error" in describing_element(dom, form, name).described_by
        group = message.parent
        while "nhsuk-form-group" not in group.classes:
            group = group.parent
        assert "nhsuk-form-group--error" in group.classes


def test_it_marks_inputs_selects_and_textareas_with_the_nhs_error_classes():
    dom = parse(render_crispy(bound(ALL_WRONG_DATA)))

    assert "nhsuk-input--error" in dom.by_id("id_full_name").classes
    assert "nhsuk-input--error" in dom.by_id("id_email").classes
    assert "nhsuk-textarea--error" in dom.by_id("id_notes").classes
    assert "nhsuk-select--error" in dom.by_id("id_ward").classes


def test_it_keeps_what_was_typed_and_chosen_when_the_form_comes_back_with_errors():
    form = bound(TYPED_DATA)
    assert not form.is_valid()
    dom = parse(render_crispy(form))

    assert dom.by_id("id_full_name").attrs["value"] == TYPED_DATA["full_name"]
    assert dom.by_id("id_email").attrs["value"] == "ada at example"
    # HTML drops one newline straight after <textarea>, so the value is written after one.
    assert dom.by_id("id_notes").raw_text == "\n" + TYPED_DATA["notes"]
    checked_radios = [
        e.attrs["value"] for e in dom.find_all("input", type="radio") if "checked" in e.attrs
    ]
    assert checked_radios == ["email"]
    checked_boxes = [
        e.attrs["value"] for e in dom.find_all("input", name="needs") if "checked" in e.attrs
    ]
    assert checked_boxes == ["shopping", "lifts"]
    assert "checked" in dom.by_id("id_consent").attrs
    selected = [e.attrs["value"] for e in dom.find_all("option") if "selected" in e.attrs]
    assert selected == ["b2"]
    assert dom.by_id("id_date_of_birth_0").attrs["value"] == "31"
    assert dom.by_id("id_date_of_birth_1").attrs["value"] == "2"
    assert dom.by_id("id_date_of_birth_2").attrs["value"] == "2020"


def test_it_shows_hints_and_points_the_field_at_them():
    form = PatientForm()
    dom = parse(render_crispy(form))

    for name in ("full_name", "needs", "date_of_birth"):
        hint = dom.by_id(f"{form[name].auto_id}-hint")
        assert "nhsuk-hint" in hint.classes
        assert hint.text == form.fields[name].help_text
        assert hint.attrs["id"] in describing_element(dom, form, name).described_by


def test_it_lists_the_hint_before_the_error_in_aria_describedby():
    form = bound(ALL_WRONG_DATA)
    dom = parse(render_crispy(form))

    assert dom.by_id("id_full_name").described_by == ["id_full_name-hint", "id_full_name-error"]


def test_it_never_tells_the_browser_to_cut_typing_short():
    form = bound(TYPED_DATA)
    # Django asks for maxlength on these widgets; the pack must leave it out.
    assert form.fields["full_name"].widget.attrs["maxlength"] == "20"
    assert form.fields["notes"].widget.attrs["maxlength"] == "500"

    for html in (render_crispy(form), render_crispy(PatientForm())):
        assert not [e for e in parse(html).iter() if "maxlength" in e.attrs]
    assert "Ensure this value has at most 20 characters" in form.errors["full_name"][0]


def test_it_renders_a_valid_form_without_any_error_markup():
    form = bound(VALID_DATA)
    assert form.is_valid(), form.errors
    html = render_crispy(form)
    dom = parse(html)

    assert "nhsuk-error-message" not in html
    assert "--error" not in html
    assert not [e for e in dom.iter() if "aria-invalid" in e.attrs]
    assert dom.by_id("id_date_of_birth_2").attrs["value"] == "1940"


# --- Markup for each kind of widget ----------------------------------------------------------


def test_it_draws_each_widget_with_its_nhs_component():
    dom = parse(render_crispy(PatientForm()))

    assert "nhsuk-input" in dom.by_id("id_full_name").classes
    assert dom.by_id("id_email").attrs["type"] == "email"
    assert dom.find_all("label", class_="nhsuk-label", **{"for": "id_email"})
    assert dom.by_id("id_notes").tag == "textarea"
    assert "nhsuk-textarea" in dom.by_id("id_notes").classes
    assert "nhsuk-select" in dom.by_id("id_ward").classes
    radios = dom.by_id("id_contact_0").closest("fieldset")
    assert radios.find_all("legend")[0].text == "How should we contact them?"
    assert len(radios.find_all("input", class_="nhsuk-radios__input")) == 3
    boxes = dom.by_id("id_needs_0").closest("fieldset")
    assert boxes.find_all("legend")[0].text == "What help do they need?"
    assert len(boxes.find_all("input", class_="nhsuk-checkboxes__input")) == 3
    (consent_label,) = dom.find_all("label", **{"for": "id_consent"})
    assert "nhsuk-checkboxes__label" in consent_label.classes
    assert consent_label.text == "They agree to a volunteer visiting"


def test_it_draws_the_date_as_an_nhs_date_input_in_a_fieldset():
    dom = parse(render_crispy(PatientForm()))

    date_input = dom.by_id("id_date_of_birth")
    assert "nhsuk-date-input" in date_input.classes
    fieldset = date_input.closest("fieldset")
    assert fieldset.attrs["role"] == "group"
    assert fieldset.find_all("legend")[0].text == "Date of birth"
    boxes = date_input.find_all("input")
    assert [box.attrs["name"] for box in boxes] == [
        "date_of_birth_day",
        "date_of_birth_month",
        "date_of_birth_year",
    ]
    assert [box.attrs["inputmode"] for box in boxes] == ["numeric"] * 3
    labels = [label.text for label in date_input.find_all("label")]
    assert labels == ["Day", "Month", "Year"]
    assert "nhsuk-input--width-4" in boxes[2].classes


def test_it_highlights_only_the_missing_part_of_a_date():
    form = bound({**VALID_DATA, "date_of_birth_month": ""})
    dom = parse(render_crispy(form))

    marked = ["nhsuk-input--error" in dom.by_id(f"id_date_of_birth_{i}").classes for i in range(3)]
    assert marked == [False, True, False]


def test_it_highlights_every_part_of_an_impossible_date():
    dom = parse(render_crispy(bound(TYPED_DATA)))

    for i in range(3):
        assert "nhsuk-input--error" in dom.by_id(f"id_date_of_birth_{i}").classes


# --- The form tag, the filter and layouts ---------------------------------------------------


def test_it_wraps_the_form_in_a_novalidate_form_tag_with_csrf_when_the_helper_asks():
    form = PatientForm()
    form.helper = FormHelper()
    form.helper.form_action = "/patients/new/"
    dom = parse(render_crispy(form, csrf_token="token-from-the-request"))

    (form_tag,) = dom.find_all("form")
    assert form_tag.attrs["method"] == "post"
    assert form_tag.attrs["action"] == "/patients/new/"
    assert "novalidate" in form_tag.attrs
    (csrf,) = form_tag.find_all("input", name="csrfmiddlewaretoken")
    assert csrf.attrs["value"] == "token-from-the-request"


def test_it_leaves_the_form_tag_out_when_the_helper_says_so():
    form = PatientForm()
    form.helper = FormHelper()
    form.helper.form_tag = False
    dom = parse(render_crispy(form))

    assert not dom.find_all("form")
    assert dom.by_id("id_full_name")


def test_it_renders_the_same_fields_through_the_crispy_filter():
    form = bound(ALL_WRONG_DATA)
    html = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    dom = parse(html)

    assert not dom.find_all("form")
    assert "nhsuk-input--error" in dom.by_id("id_email").classes
    assert dom.by_id("id_date_of_birth-error").text == "Error: Enter the date of birth"


def test_it_renders_layout_fieldsets_divs_html_and_submit_buttons():
    form = PatientForm()
    form.helper = FormHelper()
    form.helper.layout = Layout(
        Fieldset("About {{ subject }}", "full_name", Div("email", css_class="aligns-pair")),
        HTML('<p id="note">Only ask what you need.</p>'),
        Submit("save", "Save and continue"),
    )
    dom = parse(render_crispy(form, subject="the patient"))

    (fieldset,) = [f for f in dom.find_all("fieldset") if f.find_all(id="id_full_name")]
    assert fieldset.find_all("legend")[0].text == "About the patient"
    assert dom.by_id("id_email").closest("div").closest("div").classes == ["aligns-pair"]
    assert dom.by_id("note").text == "Only ask what you need."
    (button,) = dom.find_all("button")
    assert button.classes == ["nhsuk-button"]
    assert (button.attrs["type"], button.attrs["name"], button.text) == (
        "submit",
        "save",
        "Save and continue",
    )
    assert not dom.find_all(id="id_notes")  # not in the layout


def test_a_reveal_puts_its_fields_in_a_conditional_block_the_checkbox_controls():
    form = bound({**VALID_DATA, "consent": ""})
    form.helper = FormHelper()
    form.helper.layout = Layout("full_name", Reveal("consent", "notes", "contact"))
    dom = parse(render_crispy(form))

    box = dom.by_id("id_consent")
    conditional = dom.by_id(box.attrs["data-aria-controls"])
    assert "nhsuk-checkboxes__conditional--hidden" in conditional.classes
    assert conditional.parent is box.parent.parent  # in the same nhsuk-checkboxes
    inside = list(conditional.iter())
    assert dom.by_id("id_notes") in inside and dom.by_id("id_contact_0") in inside
    assert dom.by_id("id_full_name") not in inside


def test_a_ticked_reveal_leaves_its_block_open():
    form = bound(VALID_DATA)
    form.helper = FormHelper()
    form.helper.layout = Layout(Reveal("consent", "notes"))
    dom = parse(render_crispy(form))

    box = dom.by_id("id_consent")
    assert "checked" in box.attrs
    assert dom.by_id(box.attrs["data-aria-controls"]).classes == ["nhsuk-checkboxes__conditional"]


# --- DateField ------------------------------------------------------------------------------


def date_error(field, day, month, year):
    with pytest.raises(ValidationError) as raised:
        field.clean([day, month, year])
    return raised.value.messages


def test_it_asks_for_the_date_when_every_part_is_blank():
    assert date_error(DateField(label="Date of birth"), "", " ", "") == ["Enter the date of birth"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("15", "", "1984", "Date of birth must include a month"),
        ("", "3", "1984", "Date of birth must include a day"),
        ("15", "3", "", "Date of birth must include a year"),
        ("", "", "1984", "Date of birth must include a day and month"),
    ],
)
def test_it_names_the_missing_part_of_a_date(day, month, year, message):
    assert date_error(DateField(label="Date of birth"), day, month, year) == [message]


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [("31", "2", "2020"), ("29", "2", "2023"), ("1", "13", "2020"), ("0", "1", "2020")],
)
def test_it_rejects_a_date_that_does_not_exist(day, month, year):
    assert date_error(DateField(label="Date of birth"), day, month, year) == [
        "Date of birth must be a real date"
    ]


def test_it_rejects_parts_that_are_not_numbers():
    field = DateField(label="Date of birth")
    assert date_error(field, "1st", "March", "1984") == ["Date of birth must be a real date"]


@pytest.mark.parametrize("year", ["84", "984", "19840"])
def test_it_asks_for_a_four_figure_year(year):
    assert date_error(DateField(label="Date of birth"), "15", "3", year) == [
        "Year must include 4 numbers"
    ]


def test_it_gives_back_a_date_for_a_real_date():
    field = DateField(label="Date of birth")

    assert field.clean(["5", "11", "1984"]) == datetime.date(1984, 11, 5)
    assert field.clean([" 05 ", "03", "2024"]) == datetime.date(2024, 3, 5)
    assert field.clean(["29", "2", "2024"]) == datetime.date(2024, 2, 29)


def test_it_gives_back_a_date_through_a_bound_form():
    form = bound(VALID_DATA)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(1940, 12, 10)


def test_it_allows_an_optional_date_to_be_left_blank_but_not_half_filled():
    field = DateField(label="Discharge date", required=False)

    assert field.clean(["", "", ""]) is None
    assert date_error(field, "", "4", "") == ["Discharge date must include a day and year"]


def test_it_builds_messages_from_the_error_label_when_the_label_is_a_question():
    field = DateField(label="When did they leave hospital?", error_label="discharge date")

    assert date_error(field, "", "", "") == ["Enter the discharge date"]
    assert date_error(field, "1", "", "2024") == ["Discharge date must include a month"]


def test_it_keeps_an_acronym_at_the_start_of_the_label_in_capitals():
    assert date_error(DateField(label="NHS discharge date"), "", "", "") == [
        "Enter the NHS discharge date"
    ]


def test_it_shows_a_saved_date_in_the_three_boxes():
    form = PatientForm(initial={"date_of_birth": datetime.date(1984, 3, 15)})
    dom = parse(render_crispy(form))

    values = [dom.by_id(f"id_date_of_birth_{i}").attrs["value"] for i in range(3)]
    assert values == ["15", "3", "1984"]


def test_it_fills_in_autocomplete_tokens_for_each_part():
    widget = DateInput(autocomplete="bday")
    html = widget.render("dob", None, attrs={"id": "id_dob"})
    dom = parse(html)

    tokens = [dom.by_id(f"id_dob_{i}").attrs["autocomplete"] for i in range(3)]
    assert tokens == ["bday-day", "bday-month", "bday-year"]


def test_the_date_field_refuses_years_no_one_means():
    from aligns.forms import DateField

    field = DateField(label="Date completed")

    for year in ("1899", "9999"):
        with pytest.raises(ValidationError, match="Year must be between 1900 and 2100"):
            field.clean(["31", "12", year])
    assert field.clean(["31", "12", "2100"]).year == 2100
