// Draws every Vega-Lite chart on the page: <div data-chart="ID"> next to
// <script type="application/json" id="ID">spec</script>. Charts inside content swapped in
// by htmx are drawn too. The figures are always also in a table next to the chart.
// The Vega bundle (large, and declaring top-level names, so it must run only once) is
// loaded the first time a page holds a chart; this script's data-vega names it.
(function () {
  var bundle = document.currentScript.dataset.vega;
  var loading = null;

  function loadVega() {
    if (window.vegaEmbed) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = bundle;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function embed(target) {
    if (target.dataset.drawn) return;
    var source = document.getElementById(target.dataset.chart);
    if (!source) return;
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
  }

  function draw(root) {
    var targets = root.querySelectorAll("[data-chart]");
    if (!targets.length) return;
    loadVega().then(function () { targets.forEach(embed); });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
