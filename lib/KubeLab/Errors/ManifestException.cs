using System.Text;

namespace KubeLab;

/// <summary>
/// A manifest could not be read or applied. Says where (file, document, line), what (kind/name),
/// why (parser or server message with causes), which documents were already applied, and a hint.
/// </summary>
public sealed class ManifestException : KubeLabException
{
    public string ManifestSource { get; }
    public int? Document { get; }
    public int? Line { get; }
    public int? Column { get; }
    public string? ObjectKind { get; }
    public string? ObjectName { get; }
    public int? StatusCode { get; }
    public string? Reason { get; }
    public IReadOnlyList<string> Causes { get; }
    public IReadOnlyList<AppliedObject> AppliedBefore { get; }
    public string? Hint { get; }

    internal ManifestException(string source, string problem, int? document = null, int? line = null, int? column = null,
        string? kind = null, string? name = null, int? statusCode = null, string? reason = null,
        IReadOnlyList<string>? causes = null, IReadOnlyList<AppliedObject>? appliedBefore = null, string? hint = null,
        Exception? inner = null)
        : base(Compose(source, problem, document, line, column, kind, name, statusCode, reason, causes, appliedBefore, hint), inner)
    {
        ManifestSource = source; Document = document; Line = line; Column = column; ObjectKind = kind; ObjectName = name;
        StatusCode = statusCode; Reason = reason; Causes = causes ?? []; AppliedBefore = appliedBefore ?? []; Hint = hint;
    }

    private static string Compose(string source, string problem, int? document, int? line, int? column, string? kind, string? name,
        int? statusCode, string? reason, IReadOnlyList<string>? causes, IReadOnlyList<AppliedObject>? appliedBefore, string? hint)
    {
        var sb = new StringBuilder();
        sb.Append(source);
        if (document is not null) sb.Append($", document {document}");
        if (line is not null) sb.Append(column is null ? $" (line {line})" : $" (line {line}, column {column})");
        if (kind is not null) sb.Append($", {kind}{(name is null ? "" : $" \"{name}\"")}");
        sb.Append(": ").Append(problem);
        if (statusCode is not null) sb.Append($"\n  Server answered {statusCode}{(reason is null ? "" : " " + reason)}.");
        if (causes is { Count: > 0 })
        {
            sb.Append("\n  Causes:");
            foreach (var c in causes) sb.Append("\n    - ").Append(c);
        }
        if (appliedBefore is not null)
            sb.Append(appliedBefore.Count == 0
                ? "\n  Nothing from this manifest was applied."
                : "\n  Already applied before the failure: " + string.Join(", ", appliedBefore.Select(a => $"document {a.Document} {a.Kind}/{a.Name} ({a.Result})")) + ".");
        if (hint is not null) sb.Append("\n  Hint: ").Append(hint);
        return sb.ToString();
    }
}
