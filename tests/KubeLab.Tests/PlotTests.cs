using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using KubeLab.Charts;
using KubeLab.Observe;

namespace KubeLab.Tests;

public class PlotTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static V1ReplicaSet Rs(int desired, int ready) => new()
    {
        Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "lab-x" },
        Spec = new V1ReplicaSetSpec { Replicas = desired },
        Status = new V1ReplicaSetStatus { Replicas = desired, ReadyReplicas = ready },
    };

    private static V1Pod Pod(string name, bool ready, bool terminating = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "lab-x", Labels = new Dictionary<string, string> { ["app"] = "web" }, DeletionTimestamp = terminating ? T0.UtcDateTime : null },
        Spec = new V1PodSpec { NodeName = "k8s-course-worker" },
        Status = new V1PodStatus { Phase = ready ? "Running" : "Pending", Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }] },
    };

    internal static Timeline SampleTimeline() => new(T0, T0.AddSeconds(10),
    [
        new RecordedChange(T0, "ReplicaSet", "EXISTING", Rs(3, 3)),
        new RecordedChange(T0, "Pod", "EXISTING", Pod("web-a", true)),
        new RecordedChange(T0.AddSeconds(1), "Pod", "MODIFIED", Pod("web-a", true, terminating: true)),
        new RecordedChange(T0.AddSeconds(1.2), "Pod", "ADDED", Pod("web-b", false)),
        new RecordedChange(T0.AddSeconds(1.3), "ReplicaSet", "MODIFIED", Rs(3, 2)),
        new RecordedChange(T0.AddSeconds(2), "Pod", "DELETED", Pod("web-a", true, terminating: true)),
        new RecordedChange(T0.AddSeconds(3.5), "Pod", "MODIFIED", Pod("web-b", true)),
        new RecordedChange(T0.AddSeconds(3.6), "ReplicaSet", "MODIFIED", Rs(3, 3)),
        new RecordedChange(T0.AddSeconds(3.7), "ReplicaSet", "MODIFIED", Rs(3, 3)),
    ], "embedded simulator");

    [Fact]
    public void Timeline_derives_replica_steps_and_pod_lifetimes()
    {
        var t = SampleTimeline();
        Assert.Equal([3, 2, 3], t.ReplicaSeries("web").Select(p => p.Ready)); // unchanged points are dropped
        var lives = t.PodLifetimes("app=web");
        var a = lives.Single(l => l.Name == "web-a");
        Assert.True(a.ExistedAtStart);
        Assert.Equal(T0.AddSeconds(1), a.Terminating);
        Assert.Equal(T0.AddSeconds(2), a.Deleted);
        var b = lives.Single(l => l.Name == "web-b");
        Assert.Equal(T0.AddSeconds(3.5), b.Ready);
        Assert.Null(b.Deleted);
        Assert.Empty(t.PodLifetimes("app=other"));
        Assert.Contains("+1.200s", t.ToString());
    }

    [Fact]
    public void Replica_timeline_spec_has_step_traces_in_seconds()
    {
        var plot = Plots.ReplicaTimeline(SampleTimeline(), "web");
        var spec = JsonNode.Parse(plot.SpecJson)!;
        Assert.Equal("ReplicaSet web: desired vs ready replicas", plot.Title);
        Assert.Equal("seconds since recording started", (string?)spec["xTitle"]);
        var ready = spec["traces"]![1]!;
        Assert.Equal("step", (string?)ready["type"]);
        Assert.Equal("[0,1.3,3.6,10]", ready["x"]!.ToJsonString());
        Assert.Equal("[3,2,3,3]", ready["y"]!.ToJsonString());
        Assert.Contains("simulator", (string?)spec["note"]);
    }

    [Fact]
    public void Pod_gantt_has_one_segment_per_state()
    {
        var spec = JsonNode.Parse(Plots.PodGantt(SampleTimeline(), "app=web").SpecJson)!;
        var traces = spec["traces"]!.AsArray();
        Assert.Equal(["pending / not ready", "ready", "terminating"], traces.Select(t => (string?)t!["name"]));
        var terminating = traces[2]!;
        Assert.Equal("[\"web-a (k8s-course-worker)\"]", terminating["y"]!.ToJsonString());
        Assert.Equal("[1]", terminating["base"]!.ToJsonString());
        Assert.Equal("[1]", terminating["x"]!.ToJsonString());
        Assert.Equal("overlay", (string?)spec["barMode"]);
    }

    [Fact]
    public void Notebook_html_carries_spec_inline_plotly_and_newPlot()
    {
        var plot = Plots.Histogram([0.5, 1.5, 1.7], "Recovery <times>", "seconds");
        var html = plot.ToHtml();
        var specMatch = Regex.Match(html, "<script type=\"application/json\" data-kubelab-plot=\"Recovery &lt;times&gt;\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(specMatch.Success);
        Assert.Equal(JsonNode.Parse(plot.SpecJson)!.ToJsonString(), JsonNode.Parse(specMatch.Groups[1].Value)!.ToJsonString());
        Assert.Contains("if (!window.Plotly)", html);
        Assert.Contains("plotly.js v2.28.0", html);
        Assert.Contains("Plotly.newPlot(", html);
        Assert.DoesNotContain("src=\"https://cdn.plot.ly", html);
        Assert.DoesNotContain("require(", html[..200]);
    }

    [Fact]
    public void Notebook_html_without_plotly_is_small_and_waits_for_window_Plotly()
    {
        var plot = Plots.Histogram([0.5, 1.5, 1.7], "later chart", "seconds");
        var html = plot.ToHtml(includePlotlyJs: false);
        Assert.DoesNotContain("plotly.js v2.28.0", html);
        Assert.True(html.Length < 20_000, $"a chart without plotly.js should be a few KB, was {html.Length} chars");
        Assert.Contains("if(!window.Plotly)", html);
        Assert.Contains("setTimeout(draw,250)", html);
        Assert.Contains("Plotly.newPlot(", html);
        Assert.Contains("data-kubelab-plot=\"later chart\"", html);
    }

    [Fact]
    public void A_notebook_page_ships_plotly_with_its_first_chart_only()
    {
        var page = new NotebookPage();
        var chart = Plots.Bar([("a", 1)], "bars", "s");
        var table = new Banner();
        Assert.Equal("<b>table</b>", page.ToHtml(table)); // not a chart: passes through, does not use up the first chart
        Assert.False(page.PlotlyShipped);
        var first = page.ToHtml(chart);
        var second = page.ToHtml(Plots.Histogram([1, 2], "histogram", "s"));
        var writer = new StringWriter();
        page.Write(chart, writer);
        Assert.True(page.PlotlyShipped);
        Assert.Equal(1, Count(first + second + writer, "plotly.js v2.28.0"));
        Assert.Contains("plotly.js v2.28.0", first);
        Assert.Contains("Plotly.newPlot(", second);
        Assert.Contains("Plotly.newPlot(", writer.ToString());

        // A new kernel (kubelab.csx loaded again) gets a new page, whose first chart carries plotly.js again.
        Assert.Contains("plotly.js v2.28.0", new NotebookPage().ToHtml(chart));
    }

    private sealed class Banner : IHtmlDisplayable
    {
        public string ToHtml() => "<b>table</b>";
    }

    private static int Count(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [Fact]
    public void Standalone_html_inlines_plotly_and_contains_the_data()
    {
        var plot = Plots.Bar([("kind", 2.5), ("simulator", 0.4)], "Recovery by cluster", "seconds");
        var html = Plot.StandaloneHtml(plot.SpecJson);
        Assert.StartsWith("<!DOCTYPE html>", html.TrimStart(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("plotly.js v2.28.0", html); // inlined bundle, works offline
        Assert.DoesNotContain("src=\"https://cdn.plot.ly", html);
        Assert.Contains("\"simulator\"", html);
        Assert.Contains("<title>Recovery by cluster</title>", html);
        var embedded = Regex.Match(html, "<script type=\"application/json\" data-kubelab-plot=\"Recovery by cluster\">(.*?)</script>", RegexOptions.Singleline);
        Assert.Equal(JsonNode.Parse(plot.SpecJson)!.ToJsonString(), JsonNode.Parse(embedded.Groups[1].Value)!.ToJsonString());

        var file = Path.Combine(Path.GetTempPath(), $"kubelab-plot-{Guid.NewGuid():N}", "chart.html");
        plot.SaveHtml(file);
        Assert.True(new FileInfo(file).Length > 1_000_000);
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Fact]
    public void Standalone_html_with_a_shared_plotly_file_references_it_relatively()
    {
        var plot = Plots.Bar([("kind", 2.5), ("simulator", 0.4)], "Recovery by cluster", "seconds");
        var html = Plot.StandaloneHtml(plot.SpecJson, "../plotly-2.28.0.min.js");
        Assert.Contains("<script src=\"../plotly-2.28.0.min.js\"></script>", html);
        Assert.DoesNotContain("plotly.js v2.28.0", html);
        Assert.True(html.Length < 20_000, $"a page that references plotly.js should be a few KB, was {html.Length} chars");
        Assert.Contains("\"simulator\"", html);
        Assert.Contains("Plotly.newPlot(", html);
    }

    [Fact]
    public void The_shared_plotly_file_is_named_after_its_version_and_written_once()
    {
        var dir = Directory.CreateTempSubdirectory("kubelab-plotly-").FullName;
        try
        {
            Assert.Equal("2.28.0", PlotlyAsset.Version);
            var path = PlotlyAsset.WriteTo(dir);
            Assert.Equal(Path.Combine(dir, "plotly-2.28.0.min.js"), path);
            Assert.Contains("plotly.js v2.28.0", File.ReadAllText(path)[..200]);
            Assert.True(new FileInfo(path).Length > 3_000_000);
            var written = File.GetLastWriteTimeUtc(path);
            File.SetLastWriteTimeUtc(path, written.AddHours(-1));
            Assert.Equal(path, PlotlyAsset.WriteTo(dir)); // a complete copy is kept, not rewritten
            Assert.Equal(written.AddHours(-1), File.GetLastWriteTimeUtc(path));
            Assert.Single(Directory.GetFiles(dir));

            File.WriteAllText(path, "truncated");
            PlotlyAsset.WriteTo(dir); // a broken copy is replaced
            Assert.True(new FileInfo(path).Length > 3_000_000);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Invalid_spec_is_rejected_with_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new Plot("[1,2]"));
        Assert.Contains("JSON object", e.Message);
    }
}

/// <summary>
/// Reproduces the notebook-kernel situation: FSharp.Core 10.0 (from dotnet-repl) already in the default context,
/// then a chart is rendered. The renderer must run on its own FSharp.Core 10.1 in its own AssemblyLoadContext.
/// </summary>
public class RendererLoadContextTests
{
    [Fact]
    public void Renderer_uses_its_own_FSharp_Core_beside_the_kernels_older_one()
    {
        var kernelFSharp = Path.Combine(AppContext.BaseDirectory, "kernel-fsharp-core", "FSharp.Core.dll");
        Assert.True(File.Exists(kernelFSharp), $"expected the kernel's FSharp.Core copied to {kernelFSharp} (dotnet tool restore provides dotnet-repl)");
        var old = AssemblyLoadContext.Default.LoadFromAssemblyPath(kernelFSharp);
        Assert.Equal(new Version(10, 0, 0, 0), old.GetName().Version);

        var html = Plot.StandaloneHtml(Plots.Histogram([1, 2, 2, 3], "alc", "x").SpecJson);
        Assert.Contains("plotly.js v2.28.0", html);

        Assert.NotSame(AssemblyLoadContext.Default, RendererHost.LoadContext);
        Assert.StartsWith("10.1.", RendererHost.FSharpCoreVersion());
        var fsharpInRenderer = RendererHost.LoadContext.Assemblies.Single(a => a.GetName().Name == "FSharp.Core");
        Assert.Equal(new Version(10, 1, 0, 0), fsharpInRenderer.GetName().Version);
        Assert.DoesNotContain(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name is "Plotly.NET" or "KubeLab.PlotlyRenderer");
        Assert.Contains(AssemblyLoadContext.Default.Assemblies, a => a.GetName().Name == "FSharp.Core" && a.GetName().Version == new Version(10, 0, 0, 0));
    }
}
