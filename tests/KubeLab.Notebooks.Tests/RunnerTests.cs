using System.Text.Json.Nodes;
using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

[Collection(NotebookCollection.Name)]
/// <summary>The in-process runner on tiny notebooks of our own (no cluster needed).</summary>
public sealed class RunnerTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("kubelab-runner-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private Task<NotebookResult> Run(string name, TimeSpan? timeout = null, List<CellProgress>? progress = null) =>
        NotebookRunner.RunAsync(
            TestPaths.TestNotebook(name),
            new RunOptions { OutputDirectory = _out, WorkingDirectory = TestPaths.NotebooksDirectory, CellTimeout = timeout ?? TimeSpan.FromMinutes(2) },
            progress is null ? null : new SyncProgress(progress));

    private static JsonArray Cells(NotebookResult result) =>
        JsonNode.Parse(File.ReadAllText(result.OutputPath))!["cells"]!.AsArray();

    /// <summary>All string values in the cell's outputs joined, unescaped (output types, mime types, texts).</summary>
    private static string Outputs(JsonNode cell) => string.Join("\n", Strings(cell["outputs"]));

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    [Fact]
    public async Task Writes_stdout_stderr_return_values_and_display_html_into_the_executed_notebook()
    {
        var progress = new List<CellProgress>();
        var result = await Run("outputs", progress: progress);

        Assert.True(result.Succeeded, result.Describe());
        Assert.Equal(5, result.CellCount);
        Assert.Equal(Path.Combine(_out, "outputs.ipynb"), result.OutputPath);
        var cells = Cells(result);
        Assert.Equal("markdown", (string?)cells[0]!["cell_type"]);
        Assert.Contains("A markdown cell stays", cells[0]!["source"]!.ToJsonString());

        var streams = cells[1]!["outputs"]!.AsArray();
        Assert.Contains(streams, o => (string?)o!["output_type"] == "stream" && (string?)o["name"] == "stdout" && o["text"]!.ToJsonString().Contains("hello from stdout"));
        Assert.Contains(streams, o => (string?)o!["output_type"] == "stream" && (string?)o["name"] == "stderr" && o["text"]!.ToJsonString().Contains("warning on stderr"));
        Assert.Contains("42", Outputs(cells[2]!));
        Assert.Contains("<b>bold html</b>", Outputs(cells[3]!));
        Assert.Contains("text/html", Outputs(cells[3]!));

        // 4 code cells: a start and a finish report each, all successful
        Assert.Equal(8, progress.Count);
        Assert.All(progress.Where(p => p.Finished), p => Assert.True(p.Succeeded));
        Assert.Equal([2, 3, 4, 5], progress.Where(p => p.Finished).Select(p => p.CellNumber));
    }

    [Fact]
    public async Task Runs_with_the_notebooks_folder_as_working_directory_and_restores_it()
    {
        var before = Environment.CurrentDirectory;
        var result = await Run("outputs");

        Assert.True(result.Succeeded, result.Describe());
        Assert.Contains(TestPaths.NotebooksDirectory, Outputs(Cells(result)[4]!));
        Assert.Equal(before, Environment.CurrentDirectory);
    }

    [Fact]
    public async Task A_failing_cell_stops_the_notebook_and_is_reported_with_its_numbers_first_line_and_message()
    {
        var result = await Run("failing");

        Assert.False(result.Succeeded);
        Assert.Equal(new FailedCell(3, 2, "// this cell throws on purpose"), result.FailedCell);
        Assert.Equal("InvalidOperationException: the pod never became Ready", result.Error);
        Assert.Contains("cell 3 (code cell 2)", result.Describe());
        Assert.Contains("failing", result.Describe());

        var cells = Cells(result);
        Assert.Equal("error", (string?)cells[2]!["outputs"]![0]!["output_type"]);
        Assert.Contains("the pod never became Ready", Outputs(cells[2]!));
        Assert.Empty(cells[3]!["outputs"]!.AsArray()); // never ran
    }

    [Fact]
    public async Task A_notebook_that_fails_half_way_gets_its_lab_cleaned_up()
    {
        // Otherwise its namespace stays on the lane's cluster and the next notebook meets its Pods (chapter 12 drains a node).
        var marker = Path.Combine(_out, "cleanup.txt");
        Environment.SetEnvironmentVariable("KUBELAB_TEST_CLEANUP_MARKER", marker);
        try
        {
            var result = await Run("failing-with-lab");
            Assert.True(result.FailedCell == new FailedCell(2, 2, "// this cell throws on purpose"), result.Describe());
            Assert.Equal("speed 1;disposed;", File.ReadAllText(marker));
        }
        finally { Environment.SetEnvironmentVariable("KUBELAB_TEST_CLEANUP_MARKER", null); }
    }

    [Fact]
    public async Task A_compile_error_names_the_compiler_diagnostic()
    {
        var result = await Run("compile-error");

        Assert.False(result.Succeeded);
        Assert.Equal(1, result.FailedCell!.CellNumber);
        Assert.Contains("CS0029", result.Error);
    }

    [Fact]
    public async Task A_missing_library_build_says_how_to_build_it()
    {
        var result = await Run("library-not-built");

        Assert.False(result.Succeeded);
        Assert.Contains("CS0006", result.Error);
        Assert.Contains("dotnet build lib/KubeLab", result.Error);
    }

    [Fact]
    public async Task A_cell_that_runs_past_the_timeout_fails_with_a_clear_message()
    {
        var result = await Run("slow", timeout: TimeSpan.FromSeconds(2));

        Assert.False(result.Succeeded);
        Assert.Contains("timed out after 2 s", result.Error);
        Assert.True(result.Duration < TimeSpan.FromSeconds(20), $"took {result.Duration}");
    }

    [Fact]
    public async Task A_missing_notebook_is_a_clear_error()
    {
        var e = await Assert.ThrowsAsync<FileNotFoundException>(() => Run("no-such-notebook"));
        Assert.Contains("no-such-notebook.ipynb", e.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_notebook_is_a_clear_error()
    {
        var path = Path.Combine(_out, "broken.ipynb");
        File.WriteAllText(path, "{ \"cells\": [ oops");
        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            NotebookRunner.RunAsync(path, new RunOptions { OutputDirectory = Path.Combine(_out, "o") }));
        Assert.Contains("broken.ipynb is not a valid Jupyter notebook", e.Message);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; tests want the reports in order.</summary>
    private sealed class SyncProgress(List<CellProgress> list) : IProgress<CellProgress>
    {
        public void Report(CellProgress value) { lock (list) list.Add(value); }
    }
}
