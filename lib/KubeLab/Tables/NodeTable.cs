using k8s.Models;

namespace KubeLab;

/// <summary>One row of <see cref="NodeTable"/>, the columns of `kubectl get nodes -o wide` that matter for the course.</summary>
public sealed record NodeRow(string Name, string Status, string Roles, string Age, string? Version, string? InternalIP);

/// <summary>Nodes as kubectl shows them (NAME STATUS ROLES AGE VERSION INTERNAL-IP).</summary>
public sealed class NodeTable : IHtmlDisplayable
{
    private static readonly string[] Headers = ["NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP"];

    public IReadOnlyList<NodeRow> Rows { get; }
    public IReadOnlyList<V1Node> Nodes { get; }

    public NodeTable(IReadOnlyList<V1Node> nodes, DateTimeOffset now)
    {
        Nodes = nodes.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal).ToList();
        Rows = Nodes.Select(n => new NodeRow(n.Metadata.Name, StatusOf(n), RolesOf(n), Age.Since(n.Metadata.CreationTimestamp, now),
            n.Status?.NodeInfo?.KubeletVersion, n.Status?.Addresses?.FirstOrDefault(a => a.Type == "InternalIP")?.Address)).ToList();
    }

    /// <summary>Ready / NotReady / Unknown, plus ",SchedulingDisabled" for cordoned nodes (as kubectl prints).</summary>
    internal static string StatusOf(V1Node n)
    {
        var ready = n.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready");
        var status = ready is null ? "Unknown" : ready.Status == "True" ? "Ready" : ready.Status == "False" ? "NotReady" : "Unknown";
        return n.Spec?.Unschedulable == true ? status + ",SchedulingDisabled" : status;
    }

    /// <summary>Roles come from node-role.kubernetes.io/&lt;role&gt; labels; none → &lt;none&gt;.</summary>
    internal static string RolesOf(V1Node n)
    {
        const string prefix = "node-role.kubernetes.io/";
        var roles = (n.Metadata.Labels ?? new Dictionary<string, string>()).Keys
            .Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).Where(r => r.Length > 0).Order().ToList();
        return roles.Count == 0 ? "<none>" : string.Join(",", roles);
    }

    private IEnumerable<IReadOnlyList<string>> Cells() => Rows.Select(r => (IReadOnlyList<string>)
        [r.Name, r.Status, r.Roles, r.Age, r.Version ?? "", r.InternalIP ?? "<none>"]);

    public override string ToString() => Html.TextTable(Headers, Cells());
    public string ToHtml() => Html.Table("Nodes", Headers, Cells());
}
