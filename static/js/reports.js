// Charts on the report page. Each chart sits above a table holding the same figures, so
// nothing is lost without JavaScript or to a screen reader (the canvas is labelled).
// NHS.UK colours: blue for a single figure; green, red, grey and yellow for the outcomes.
const COLOURS = ["#007f3b", "#d5281b", "#4c6272", "#ffb81c"];
document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
  const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
  const several = data.datasets.length > 1;
  // Counts are whole numbers: no axis marks at half a client.
  const whole = data.datasets.every((dataset) =>
    dataset.values.every((value) => value === null || Number.isInteger(value)),
  );
  // eslint-disable-next-line no-undef
  Chart.defaults.font.size = 14;
  // eslint-disable-next-line no-undef
  new Chart(canvas, {
    type: data.type,
    data: {
      labels: data.labels,
      datasets: data.datasets.map((dataset, index) => ({
        label: dataset.label,
        data: dataset.values,
        backgroundColor: several ? COLOURS[index % COLOURS.length] : "#005eb8",
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: several } },
      scales: {
        x: { stacked: data.stacked },
        y: {
          stacked: data.stacked,
          beginAtZero: true,
          ticks: whole ? { precision: 0 } : {},
          title: { display: !several, text: several ? "" : data.datasets[0].label },
        },
      },
    },
  });
});

// A table too wide for the screen scrolls sideways inside its box. Such a box must take
// the keyboard's focus, so that it can be scrolled without a mouse, and be named for
// screen readers; a box whose table fits is left out of the tab order.
const scrollBoxes = document.querySelectorAll(".aligns-table-scroll");
const markScrollBoxes = () => {
  scrollBoxes.forEach((box) => {
    if (box.scrollWidth > box.clientWidth) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      // The label comes translated from the page (data-scroll-label) where it can.
      const heading = box.closest("section")?.querySelector("h2");
      const name = heading ? heading.textContent : "Table";
      box.setAttribute(
        "aria-label",
        box.dataset.scrollLabel || `${name}: table, scrolls sideways`,
      );
    } else {
      ["tabindex", "role", "aria-label"].forEach((name) => box.removeAttribute(name));
    }
  });
};
markScrollBoxes();
const resizes = new ResizeObserver(markScrollBoxes);
scrollBoxes.forEach((box) => resizes.observe(box));
