namespace KubeLab;

/// <summary>One object sent to the cluster: what it was and what the server did (created / configured / unchanged).</summary>
public sealed record AppliedObject(int Document, string ApiVersion, string Kind, string Name, string? Namespace, string Result)
{
    /// <summary>kubectl's wording, e.g. "replicaset.apps/web created".</summary>
    public override string ToString() => $"{KindLower}/{Name} {Result}";

    internal string KindLower => Kind.ToLowerInvariant() + (ApiVersion.Contains('/') ? "." + ApiVersion[..ApiVersion.IndexOf('/')] : "");
}

/// <summary>Result of <see cref="Lab.ApplyAsync"/>: every object in manifest order.</summary>
public sealed class AppliedObjects(string source, IReadOnlyList<AppliedObject> items) : IHtmlDisplayable, IReadOnlyList<AppliedObject>
{
    public string Source { get; } = source;
    public IReadOnlyList<AppliedObject> Items { get; } = items;
    public int Count => Items.Count;
    public AppliedObject this[int index] => Items[index];
    public IEnumerator<AppliedObject> GetEnumerator() => Items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Items.Count == 0 ? $"{Source}: no objects" : string.Join(Environment.NewLine, Items);

    public string ToHtml() => Html.Table($"Applied {Source}", ["KIND", "NAME", "NAMESPACE", "RESULT"],
        Items.Select(i => (IReadOnlyList<string>)[i.Kind, i.Name, i.Namespace ?? "", i.Result]));
}
