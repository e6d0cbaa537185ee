// Progressive enhancement only: every page works without JavaScript.
// Module scripts run after the document is parsed, so the body exists here.
document.body.classList.add("js-enabled", "nhsuk-frontend-supported");

// NHS.UK frontend is an ES module; its URL comes from the script tag so that
// production's manifest storage can give it a hashed name.
const script = document.querySelector("script[data-nhsuk-frontend]");
if (script) {
  import(script.dataset.nhsukFrontend).then(({ initAll }) => initAll());
}
