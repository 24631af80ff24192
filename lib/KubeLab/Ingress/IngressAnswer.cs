namespace KubeLab;

/// <summary>One HTTP request through an Ingress / Gateway address: the body (the backend's pod name with agnhost serve-hostname) or the error.</summary>
public sealed record IngressAnswer(string? Host, string Path, bool Ok, string Body, string Error)
{
    /// <summary>What answered: the body, or the HTTP status wget reported ("404"), or "error".</summary>
    public string Backend => Ok ? Body : StatusOf(Error) ?? "error";

    /// <summary>busybox wget (networking/wget.c) prints "wget: server returned error: HTTP/1.1 404 Not Found" on a non-2xx answer and exits 1.</summary>
    internal static string? StatusOf(string error)
    {
        var m = System.Text.RegularExpressions.Regex.Match(error, @"HTTP/1\.[01] (\d{3})");
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>Parses the output of one wget in the request loop: stdout+stderr of the call, then the exit code line.</summary>
    internal static IngressAnswer Parse(string? host, string path, string chunk)
    {
        var lines = chunk.Replace("\r", "", StringComparison.Ordinal).TrimEnd('\n').Split('\n').ToList();
        var exit = lines.Count > 0 && lines[^1].StartsWith("rc=", StringComparison.Ordinal) ? lines[^1][3..] : "?";
        var text = string.Join("\n", lines.Take(Math.Max(lines.Count - 1, 0))).Trim();
        return exit == "0" ? new IngressAnswer(host, path, true, text, "") : new IngressAnswer(host, path, false, "", text.Length == 0 ? $"exit {exit}" : text);
    }
}
