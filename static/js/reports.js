// Charts on the report page. Each chart sits above a table holding the same figures, so
// nothing is lost without JavaScript or to a screen reader (the canvas is labelled).
document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
  const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
  // eslint-disable-next-line no-undef
  new Chart(canvas, {
    type: data.type,
    data: {
      labels: data.labels,
      datasets: [{ label: data.label, data: data.values, backgroundColor: "#005eb8" }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true } },
    },
  });
});
