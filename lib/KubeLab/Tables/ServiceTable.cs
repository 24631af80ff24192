using System.Globalization;
using k8s.Models;

namespace KubeLab;

/// <summary>Services as <c>kubectl get services -o wide</c> lists them (kubectl 1.32's columns).</summary>
public sealed class ServiceTable(string ns, IReadOnlyList<V1Service> services) : IHtmlDisplayable
{
    private static readonly string[] Headers = ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "SELECTOR"];

    public string Namespace { get; } = ns;
    public IReadOnlyList<V1Service> Services { get; } = services.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal).ToList();

    /// <summary>EXTERNAL-IP as kubectl prints it: the load balancer's address, <c>&lt;pending&gt;</c> while a LoadBalancer has none, externalIPs, or the ExternalName.</summary>
    public static string ExternalIp(V1Service s)
    {
        var spec = s.Spec;
        var externalIps = spec?.ExternalIPs ?? [];
        var ingress = (s.Status?.LoadBalancer?.Ingress ?? []).Select(i => i.Ip ?? i.Hostname).Where(x => !string.IsNullOrEmpty(x)).ToList();
        return spec?.Type switch
        {
            "ExternalName" => spec.ExternalName ?? "<none>",
            "LoadBalancer" => ingress.Count > 0 || externalIps.Count > 0 ? string.Join(",", ingress.Concat(externalIps)) : "<pending>",
            _ => externalIps.Count > 0 ? string.Join(",", externalIps) : "<none>",
        };
    }

    /// <summary>PORT(S): <c>80/TCP</c>, with the node port <c>80:30080/TCP</c>.</summary>
    public static string Ports(V1Service s) => s.Spec?.Ports is { Count: > 0 } ports
        ? string.Join(",", ports.Select(p => p.NodePort is { } np and > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{p.Port}:{np}/{p.Protocol ?? "TCP"}")
            : string.Create(CultureInfo.InvariantCulture, $"{p.Port}/{p.Protocol ?? "TCP"}")))
        : "<none>";

    private IEnumerable<IReadOnlyList<string>> Cells() => Services.Select(s => (IReadOnlyList<string>)
    [
        s.Metadata.Name, s.Spec?.Type ?? "ClusterIP", string.IsNullOrEmpty(s.Spec?.ClusterIP) ? "<none>" : s.Spec.ClusterIP, ExternalIp(s), Ports(s),
        s.Spec?.Selector is { Count: > 0 } sel ? string.Join(",", sel.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")) : "<none>",
    ]);

    public override string ToString() => Services.Count == 0 ? $"No resources found in {Namespace} namespace." : Html.TextTable(Headers, Cells());

    public string ToHtml() => Services.Count == 0 ? $"<p>{Html.Escape(ToString())}</p>" : Html.Table($"Services in {Namespace}", Headers, Cells());
}
