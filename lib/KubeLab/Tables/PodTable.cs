using k8s.Models;

namespace KubeLab;

/// <summary>One row of <see cref="PodTable"/>, the columns of `kubectl get pods -o wide`.</summary>
public sealed record PodRow(string Name, string Ready, string Status, int Restarts, string Age, string? IP, string? Node, string? Phase);

/// <summary>Pods in the lab namespace as kubectl shows them (NAME READY STATUS RESTARTS AGE IP NODE).</summary>
public sealed class PodTable : IHtmlDisplayable
{
    private static readonly string[] Headers = ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"];

    public string Namespace { get; }
    public string? LabelSelector { get; }
    public IReadOnlyList<PodRow> Rows { get; }
    public IReadOnlyList<V1Pod> Pods { get; }

    public PodTable(string ns, string? labelSelector, IReadOnlyList<V1Pod> pods, DateTimeOffset now)
    {
        Namespace = ns;
        LabelSelector = labelSelector;
        Pods = pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        Rows = Pods.Select(p => new PodRow(p.Metadata.Name, PodStatusText.Ready(p), PodStatusText.Status(p), PodStatusText.Restarts(p),
            Age.Since(p.Metadata.CreationTimestamp, now), p.Status?.PodIP, p.Spec?.NodeName, p.Status?.Phase)).ToList();
    }

    public int Count => Rows.Count;

    private IEnumerable<IReadOnlyList<string>> Cells() => Rows.Select(r => (IReadOnlyList<string>)
        [r.Name, r.Ready, r.Status, r.Restarts.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Age, r.IP ?? "<none>", r.Node ?? "<none>"]);

    private string Caption => $"Pods in {Namespace}{(LabelSelector is null ? "" : $" (selector {LabelSelector})")}";

    public override string ToString()
        => Rows.Count == 0 ? $"No resources found in {Namespace} namespace." : Html.TextTable(Headers, Cells());

    public string ToHtml()
        => Rows.Count == 0 ? $"<p>{Html.Escape(ToString())}</p>" : Html.Table(Caption, Headers, Cells());
}
