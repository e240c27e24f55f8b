// Draws every <figure class="chart"> from its JSON spec with vega-embed (served locally),
// including figures that htmx swaps in later, and wires the PNG/SVG buttons to the drawn view.
(function () {
  "use strict";

  function download(url, filename) {
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function draw(figure) {
    if (figure.dataset.state) return;
    figure.dataset.state = "drawing";
    var specNode = document.getElementById(figure.dataset.specId);
    var target = figure.querySelector(".chart-view");
    if (!specNode || !target || typeof window.vegaEmbed !== "function") {
      figure.dataset.state = "failed";
      return;
    }
    var spec = JSON.parse(specNode.textContent);
    // The Content-Security-Policy allows neither eval nor inline style: `ast` makes vega-embed
    // evaluate expressions with its bundled interpreter instead of new Function(), and its
    // stylesheets come from vega-embed.css instead of injected <style> elements.
    var options = {
      actions: false,
      renderer: "svg",
      mode: figure.dataset.grammar || "vega-lite",
      ast: true,
      defaultStyle: false,
      tooltip: { disableDefaultStyle: true }
    };
    window.vegaEmbed(target, spec, options).then(function (result) {
      figure.dataset.state = "drawn";
      figure.querySelectorAll(".chart-export").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () {
          var format = button.dataset.format;
          result.view.toImageURL(format, format === "png" ? 2 : 1).then(function (url) {
            download(url, figure.dataset.name + "." + format);
          });
        });
      });
    }).catch(function (error) {
      figure.dataset.state = "failed";
      target.textContent = target.dataset.failed || "The chart could not be drawn; the data table below has its figures.";
      if (window.console) console.error(error);
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("figure.chart").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
