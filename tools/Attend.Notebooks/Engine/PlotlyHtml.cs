// Maps a plotly.js figure to the text/html that Jupyter Notebook and JupyterLab draw it with,
// offline. plotly.js (4.8 MB) is neither fetched from a CDN nor inlined into each chart: `kernel
// install` copies it into the kernelspec folder, which the Jupyter server serves at
// {base_url}kernelspecs/<kernel>/plotly.min.js, so every page loads it once from there, also after
// the notebook is reopened. Until the script has drawn the chart, the chart's place shows its PNG:
// that is what stays where no script runs (an untrusted notebook, GitHub and other viewers that
// sanitise HTML, nbconvert's HTML without scripts). The PNG is stored twice (here and as the
// bundle's image/png, which other viewers pick), a few tens of kB per chart for a robust fallback.
using System.Text.Json.Nodes;

namespace Attend.Notebooks.Engine;

public static class PlotlyHtml
{
    public const string ScriptName = "plotly.min.js";
    public const string DefaultKernel = "attend-csharp";

    /// <summary>plotly.min.js as the engine's build copies it (from the npm package plotly.js-dist-min), if present.</summary>
    public static string BundledScript => Path.Combine(AppContext.BaseDirectory, "Plotly", ScriptName);

    public static string Render(JsonObject figure, string pngBase64)
    {
        string id = "attend-plot-" + Guid.NewGuid().ToString("N")[..12];
        var layout = figure["layout"] as JsonObject;
        string width = layout?["width"] is JsonValue w ? $"{w.ToJsonString()}px" : "100%";
        string height = layout?["height"] is JsonValue h ? $"{h.ToJsonString()}px" : "450px";
        // JsonNode escapes <, > and & as \u003C…, so the figure cannot close the script element.
        string json = figure.ToJsonString();
        return $$"""
            <div id="{{id}}" class="attend-plotly" style="width:{{width}};max-width:100%;min-height:{{height}}">
            <img src="data:image/png;base64,{{pngBase64}}" alt="chart (static image; the interactive chart needs a trusted notebook)"
                 style="max-width:100%" /></div>
            <script type="text/javascript">
            (function start(tries) {
              // JupyterLab may run this before the output is in the page: wait for it (up to 5 s).
              var el = document.getElementById("{{id}}");
              if (!el) { if (tries < 100) setTimeout(function () { start(tries + 1); }, 50); return; }
              var figure = {{json}};
              function baseUrl() {
                var b = document.body && document.body.getAttribute("data-base-url");
                if (b) return b;
                var c = document.getElementById("jupyter-config-data");
                try { if (c) return JSON.parse(c.textContent).baseUrl || "/"; } catch (e) { }
                return "/";
              }
              function kernelName() {
                var nb = window.Jupyter && window.Jupyter.notebook;
                var spec = nb && nb.metadata && nb.metadata.kernelspec;
                return (spec && spec.name) || (nb && nb.kernel && nb.kernel.name) || "{{DefaultKernel}}";
              }
              function draw(Plotly) {
                el.innerHTML = "";
                el.style.height = "{{height}}";
                Plotly.newPlot(el, figure.data, figure.layout, { responsive: true });
              }
              if (window.Plotly) { draw(window.Plotly); return; }
              var src = baseUrl().replace(/\/?$/, "/") + "kernelspecs/" + kernelName() + "/{{ScriptName}}";
              var loading = window.attendPlotly || new Promise(function (ok, fail) {
                var s = document.createElement("script");
                s.src = src;
                s.onload = function () { ok(window.Plotly); };
                s.onerror = function () { window.attendPlotly = null; fail(); };
                document.head.appendChild(s);
              });
              window.attendPlotly = loading;
              loading.then(draw, function () {
                var note = document.createElement("p");
                note.textContent = "Static image: plotly.js was not found at " + src + "; install the kernel again after "
                  + "`npm install --prefix tools/Attend.Notebooks/Plotly` (see the README).";
                el.appendChild(note);
              });
            })(0);
            </script>
            """;
    }
}
