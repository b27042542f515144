// Draws every Vega-Lite chart on the page: <div data-chart="ID"> next to
// <script type="application/json" id="ID">spec</script>. Charts inside content swapped in
// by htmx are drawn too. The figures are always also in a table next to the chart.
(function () {
  function draw(root) {
    root.querySelectorAll("[data-chart]").forEach(function (target) {
      if (target.dataset.drawn) return;
      var source = document.getElementById(target.dataset.chart);
      if (!source || !window.vegaEmbed) return;
      target.dataset.drawn = "1";
      // vega-embed styles its container inline-block, which leaves a "container"-wide chart
      // zero pixels wide.
      target.style.display = "block";
      target.style.width = "100%";
      window.vegaEmbed(target, JSON.parse(source.textContent), {
        actions: false,
        renderer: "svg",
      }).catch(function (error) {
        target.textContent = String(error);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
