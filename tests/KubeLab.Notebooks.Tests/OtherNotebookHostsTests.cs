using System.Diagnostics;
using System.Text.Json.Nodes;

namespace KubeLab.Notebooks.Tests;

/// <summary>The same setup line in the other notebook hosts from the repo's tool manifest: dotnet-repl 0.3.259, and
/// dotnet-interactive 1.0.712001 (the kernel VS Code Polyglot Notebooks starts) over its stdio protocol. Both load FSharp.Core 10.0
/// for their F# kernels, so a drawn chart proves the chart renderer's isolated AssemblyLoadContext works there.</summary>
[Collection(NotebookCollection.Name)]
public sealed class OtherNotebookHostsTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("kubelab-repl-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static async Task<(int ExitCode, string Output)> Dotnet(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', args)} did not finish within {timeout}");
        }
        return (p.ExitCode, await stdout + await stderr);
    }

    private static async Task RestoreTools()
    {
        var restore = await Dotnet(TestPaths.Root, TimeSpan.FromMinutes(3), "tool", "restore");
        Assert.True(restore.ExitCode == 0, restore.Output);
    }

    [Fact]
    public async Task Dotnet_repl_runs_the_setup_line_and_draws_a_chart()
    {
        await RestoreTools();

        // Like VS Code, start the kernel in notebooks/ so `#load "kubelab.csx"` resolves there.
        var output = Path.Combine(_out, "kubelab-setup.ipynb");
        var run = await Dotnet(TestPaths.NotebooksDirectory, TimeSpan.FromMinutes(2),
            "tool", "run", "dotnet-repl", "--", "--run", TestPaths.TestNotebook("kubelab-setup"),
            "--exit-after-run", "--output-format", "ipynb", "--output-path", output);

        Assert.True(run.ExitCode == 0, run.Output);
        var cells = JsonNode.Parse(File.ReadAllText(output))!["cells"]!.AsArray();
        var errors = cells.SelectMany(c => c!["outputs"]?.AsArray() ?? []).Where(o => (string?)o!["output_type"] == "error").ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Select(e => (string?)e!["evalue"] ?? (string?)e["ename"])));
        var chartHtml = string.Concat(cells[3]!["outputs"]![0]!["data"]!["text/html"]!.AsArray().Select(l => (string?)l));
        Assert.Contains("data-kubelab-plot=\"Recovery time &amp; rounds\"", chartHtml);
        Assert.Contains("Plotly.newPlot", chartHtml);
        Assert.Contains("<em>rendered through IHtmlDisplayable</em>", cells[2]!["outputs"]!.ToJsonString().Replace("\\u003C", "<").Replace("\\u003E", ">"));

        // The host's FSharp.Core 10.0 sits in the default context; the renderer's 10.1 in its own.
        var fsharp = cells[4]!["outputs"]![0]!["data"]!["text/plain"]!.ToJsonString();
        Assert.Contains("10.0.0.0 in Default", fsharp);
        Assert.Contains("10.1.0.0 in kubelab-plotly-renderer", fsharp);
    }

    [Fact]
    public async Task The_VS_Code_kernel_runs_the_setup_line_and_draws_a_chart()
    {
        await RestoreTools();
        string[] cells =
        [
            "#load \"kubelab.csx\"",
            "Plots.Bar(new[] { (\"a\", 1.0) }, \"kernel check\", \"s\")",
            "string.Join(\"; \", AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == \"FSharp.Core\")" +
            ".Select(a => a.GetName().Version + \" in \" + System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(a)?.Name))",
        ];
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TestPaths.NotebooksDirectory, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { "tool", "run", "dotnet-interactive", "--", "stdio", "--working-dir", TestPaths.NotebooksDirectory })
            info.ArgumentList.Add(a);
        using var kernel = Process.Start(info)!;
        _ = kernel.StandardError.ReadToEndAsync();
        try
        {
            // One SubmitCode envelope per line; the kernel answers with event envelopes, one per line, tagged with our token.
            for (var i = 0; i < cells.Length; i++)
            {
                var envelope = new JsonObject
                {
                    ["commandType"] = "SubmitCode",
                    ["command"] = new JsonObject { ["code"] = cells[i], ["targetKernelName"] = "csharp" },
                    ["token"] = $"cell-{i + 1}",
                };
                await kernel.StandardInput.WriteLineAsync(envelope.ToJsonString());
            }
            await kernel.StandardInput.FlushAsync();

            var values = new Dictionary<string, string>();
            var finished = new HashSet<string>();
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (finished.Count < cells.Length)
            {
                var line = await kernel.StandardOutput.ReadLineAsync(cts.Token) ?? throw new Xunit.Sdk.XunitException("kernel exited early");
                if (!line.StartsWith('{') || JsonNode.Parse(line) is not JsonObject e || (string?)e["command"]?["token"] is not { } token)
                    continue;
                switch ((string?)e["eventType"])
                {
                    case "CommandFailed":
                        Assert.Fail($"{token} failed: {(string?)e["event"]?["message"]}");
                        break;
                    case "CommandSucceeded":
                        finished.Add(token);
                        break;
                    case "ReturnValueProduced":
                        values[token] = string.Join("\n", e["event"]!["formattedValues"]!.AsArray().Select(v => (string?)v!["value"]));
                        break;
                }
            }

            Assert.Contains("data-kubelab-plot=\"kernel check\"", values["cell-2"]);
            Assert.Contains("Plotly.newPlot", values["cell-2"]);
            Assert.Contains("10.0.0.0 in Default", values["cell-3"]);
            Assert.Contains("10.1.0.0 in kubelab-plotly-renderer", values["cell-3"]);
        }
        finally
        {
            kernel.Kill(entireProcessTree: true);
        }
    }
}
