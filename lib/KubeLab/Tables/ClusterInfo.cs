namespace KubeLab;

/// <summary>Which cluster a Lab talks to. Flavor is only a label ("kind", "embedded simulator", …); the library never branches on it.</summary>
public sealed record ClusterInfo(string Flavor, string Context, string Server, string KubernetesVersion, IReadOnlyList<NodeRow> Nodes, string Namespace)
    : IHtmlDisplayable
{
    public bool IsSimulated => Flavor.Contains("simulator", StringComparison.OrdinalIgnoreCase);

    public override string ToString()
        => $"Cluster: {Flavor} (context {Context}, server {Server}, Kubernetes {KubernetesVersion}); " +
           $"{Nodes.Count} node(s): {string.Join(", ", Nodes.Select(n => $"{n.Name} [{n.Status}]"))}; lab namespace {Namespace}";

    public string ToHtml()
        => "<div class=\"kubelab-cluster\" style=\"border-left:4px solid #326ce5;padding:4px 10px;margin:4px 0\">" +
           $"<b>Cluster:</b> {Html.Escape(Flavor)} &nbsp; <b>context</b> <code>{Html.Escape(Context)}</code> &nbsp; " +
           $"<b>server</b> <code>{Html.Escape(Server)}</code> &nbsp; <b>Kubernetes</b> {Html.Escape(KubernetesVersion)}<br/>" +
           $"<b>Nodes:</b> {Html.Escape(string.Join(", ", Nodes.Select(n => $"{n.Name} ({n.Roles}, {n.Status})")))}<br/>" +
           $"<b>Lab namespace:</b> <code>{Html.Escape(Namespace)}</code></div>";
}
