using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

namespace KubeLab.Runner;

/// <summary>Runs a .ipynb notebook cell by cell in-process, writes the executed notebook (with outputs) and its charts.</summary>
public static class NotebookRunner
{
    // The working directory is process-wide: notebooks run one at a time in a process.
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static async Task<NotebookResult> RunAsync(
        string notebookPath, RunOptions options, IProgress<CellProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        notebookPath = Path.GetFullPath(notebookPath);
        if (!File.Exists(notebookPath))
            throw new FileNotFoundException($"Notebook not found: {notebookPath}", notebookPath);

        var name = Path.GetFileNameWithoutExtension(notebookPath);
        var document = await ParseAsync(notebookPath, ct);
        var outDir = Path.GetFullPath(options.OutputDirectory);
        Directory.CreateDirectory(outDir);
        var outputPath = Path.Combine(outDir, name + ".ipynb");
        var workingDirectory = options.WorkingDirectory ?? Path.GetDirectoryName(notebookPath)!;

        await OneAtATime.WaitAsync(ct);
        var previousDirectory = Environment.CurrentDirectory;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            Environment.CurrentDirectory = workingDirectory;
            using var kernel = KernelFactory.Create();
            var execution = await ExecuteCellsAsync(kernel, name, document, options.CellTimeout, progress, ct);
            stopwatch.Stop();
            if (execution.Failed is not null) await CleanUpAfterFailureAsync(kernel, ct);

            await File.WriteAllTextAsync(outputPath, document.ToJupyterJson(), ct);
            var charts = ChartExtractor.WriteCharts(document, outDir, name);

            return new NotebookResult
            {
                Name = name,
                Succeeded = execution.Failed is null,
                Duration = stopwatch.Elapsed,
                CellCount = document.Elements.Count,
                FailedCell = execution.Failed,
                Error = execution.Error,
                OutputPath = outputPath,
                ChartPaths = charts,
            };
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            OneAtATime.Release();
        }
    }

    private static async Task<InteractiveDocument> ParseAsync(string notebookPath, CancellationToken ct)
    {
        var json = await File.ReadAllTextAsync(notebookPath, ct);
        try
        {
            return Notebook.Parse(json, KernelFactory.KernelInfos());
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new InvalidDataException($"{notebookPath} is not a valid Jupyter notebook (.ipynb): {e.Message}", e);
        }
    }

    private sealed record Execution(FailedCell? Failed, string? Error);

    /// <summary>
    /// A notebook that stops half way never reaches its last cell, so its namespace (bare Pods, Services…) and clock speed stay
    /// behind, and the next notebook on the same cluster meets them (chapter 12 drains a node). Run the lab's own cleanup in the
    /// notebook's kernel – best effort: a notebook may fail before it has a <c>lab</c>. Its output is not part of the notebook.
    /// </summary>
    private static Task CleanUpAfterFailureAsync(CompositeKernel kernel, CancellationToken ct) =>
        CellExecutor.RunAsync(kernel, "try { await lab.Clock.SetSpeedAsync(1); } finally { await lab.DisposeAsync(); }", 0, TimeSpan.FromMinutes(2), ct);

    private static async Task<Execution> ExecuteCellsAsync(
        CompositeKernel kernel, string name, InteractiveDocument document, TimeSpan cellTimeout,
        IProgress<CellProgress>? progress, CancellationToken ct)
    {
        var codeCells = document.Elements.Count(IsCode);
        int cellNumber = 0, codeNumber = 0;
        foreach (var element in document.Elements)
        {
            cellNumber++;
            if (!IsCode(element))
                continue;
            codeNumber++;
            element.Outputs.Clear();
            var firstLine = CellText.FirstLine(element.Contents);
            progress?.Report(new CellProgress(name, cellNumber, codeNumber, codeCells, firstLine, false, false));

            var (outputs, error) = await CellExecutor.RunAsync(kernel, element.Contents, codeNumber, cellTimeout, ct);
            element.Outputs.AddRange(outputs);
            element.ExecutionOrder = codeNumber;

            progress?.Report(new CellProgress(name, cellNumber, codeNumber, codeCells, firstLine, true, error is null));
            if (error is not null)
                return new Execution(new FailedCell(cellNumber, codeNumber, firstLine), error);
        }
        return new Execution(null, null);
    }

    private static bool IsCode(InteractiveDocumentElement element) =>
        !string.Equals(element.KernelName, "markdown", StringComparison.OrdinalIgnoreCase) &&
        !string.Equals(element.KernelName, "md", StringComparison.OrdinalIgnoreCase);
}
