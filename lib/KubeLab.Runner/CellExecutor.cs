using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace KubeLab.Runner;

/// <summary>Submits one code cell and turns the kernel's events into notebook outputs, in the order they happened.</summary>
internal static class CellExecutor
{
    public static async Task<(List<InteractiveDocumentOutputElement> Outputs, string? Error)> RunAsync(
        CompositeKernel kernel, string code, int executionOrder, TimeSpan timeout, CancellationToken ct)
    {
        var command = new SubmitCode(code, KernelFactory.CSharp);
        var send = kernel.SendAsync(command, ct);
        var finished = await Task.WhenAny(send, Task.Delay(timeout, ct));
        if (finished != send)
        {
            ct.ThrowIfCancellationRequested();
            // Ask the kernel to stop the submission; whatever it still prints is not recorded.
            _ = kernel.SendAsync(new Cancel(), CancellationToken.None);
            var message = $"Cell timed out after {Describe(timeout)} (the runner's per-cell timeout); it may be waiting for a cluster " +
                          "that never becomes ready. Re-run it interactively to see where it hangs.";
            return ([new ErrorElement(errorName: "Timeout", errorValue: message)], message);
        }

        var result = await send;
        return Collect(result.Events, command, executionOrder);
    }

    private static (List<InteractiveDocumentOutputElement>, string?) Collect(IEnumerable<KernelEvent> events, SubmitCode command, int executionOrder)
    {
        var outputs = new List<InteractiveDocumentOutputElement>();
        var stream = new StringBuilder();
        string? streamName = null;
        string? error = null;

        void FlushStream()
        {
            if (stream.Length > 0)
                outputs.Add(new TextElement(stream.ToString(), streamName));
            stream.Clear();
        }

        void Append(string name, string text)
        {
            if (streamName != name)
                FlushStream();
            streamName = name;
            stream.Append(text);
        }

        foreach (var e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    Append("stdout", PlainText(o));
                    break;
                case StandardErrorValueProduced o:
                    Append("stderr", PlainText(o));
                    break;
                case ReturnValueProduced { Value: DisplayedValue }:
                    break; // display(...) returned its handle; the DisplayedValueProduced already carries the output
                case ReturnValueProduced r:
                    FlushStream();
                    if (Data(r) is { Count: > 0 } value)
                    {
                        var element = new ReturnValueElement { ExecutionOrder = executionOrder }; // Jupyter's execute_result
                        foreach (var (mime, text) in value)
                            element.Data[mime] = text;
                        outputs.Add(element);
                    }
                    break;
                case DisplayEvent d when d is DisplayedValueProduced or DisplayedValueUpdated:
                    FlushStream();
                    if (Data(d) is { Count: > 0 } data)
                        outputs.Add(new DisplayElement(data));
                    break;
                case ErrorProduced p when p.Command == command || p.Command is null:
                    FlushStream();
                    outputs.Add(new ErrorElement(errorName: "Error", errorValue: p.Message));
                    break;
                case CommandFailed f when f.Command == command:
                    FlushStream();
                    error = ErrorText(f);
                    outputs.Add(new ErrorElement(errorName: f.Exception?.GetType().Name ?? "Error", errorValue: error));
                    break;
            }
        }
        FlushStream();
        return (outputs, error);
    }

    private static Dictionary<string, object> Data(DisplayEvent e) =>
        e.FormattedValues.ToDictionary(v => v.MimeType, v => (object)v.Value);

    private static string PlainText(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? e.Value?.ToString() ?? "";

    /// <summary>The error as a learner needs it: exception type and message (inner exceptions unwrapped), no stack trace.</summary>
    private static string ErrorText(CommandFailed failed)
    {
        var ex = failed.Exception;
        while (ex is AggregateException { InnerException: { } inner }
               || ex is System.Reflection.TargetInvocationException { InnerException: { } inner2 })
            ex = ex.InnerException!;
        if (ex is null || ex.GetType().Name == "CodeSubmissionCompilationErrorException")
            return WithHint((ex?.Message ?? failed.Message).Trim()); // compiler diagnostics speak for themselves
        return $"{ex.GetType().Name}: {ex.Message}";
    }

    /// <summary>CS0006 on KubeLab.dll means the helper library was never built where kubelab.csx looks for it.</summary>
    private static string WithHint(string message) =>
        message.Contains("CS0006", StringComparison.Ordinal) && message.Contains("KubeLab.dll", StringComparison.OrdinalIgnoreCase)
            ? message + " — the course library is not built yet: run `dotnet build lib/KubeLab` in the course folder (or " +
              "`dotnet run --project lib/KubeLab.Cli -- run`, which builds it), then run the notebook again."
            : message;

    private static string Describe(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes:0.#} min" : $"{t.TotalSeconds:0.#} s";
}
