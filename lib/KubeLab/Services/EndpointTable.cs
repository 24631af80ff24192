using k8s.Models;

namespace KubeLab;

/// <summary>One endpoint of a Service as an EndpointSlice lists it (discovery.k8s.io/v1), with the slice it is in.</summary>
public sealed record EndpointRow(string Slice, string Address, string? Pod, string? Node, bool Ready, bool Serving, bool Terminating, string Ports)
{
    /// <summary>ready / not ready / terminating (serving) / terminating – the states the chapter plots.</summary>
    public string State => Terminating ? (Serving ? "terminating (serving)" : "terminating") : Ready ? "ready" : "not ready";

    internal static IEnumerable<EndpointRow> From(V1EndpointSlice slice)
    {
        var ports = string.Join(",", (slice.Ports ?? []).Select(p => $"{(string.IsNullOrEmpty(p.Name) ? "" : p.Name + "=")}{p.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<unset>"}/{p.Protocol}"));
        foreach (var e in slice.Endpoints ?? [])
        {
            // Unset conditions mean ready/serving (the API's documented default for consumers); terminating defaults to false.
            var ready = e.Conditions?.Ready ?? true;
            yield return new EndpointRow(slice.Metadata.Name, string.Join(",", e.Addresses), e.TargetRef?.Kind == "Pod" ? e.TargetRef.Name : null,
                e.NodeName, ready, e.Conditions?.Serving ?? ready, e.Conditions?.Terminating ?? false, ports);
        }
    }
}

/// <summary>
/// A Service's endpoints as its EndpointSlices list them (<c>kubectl get endpointslices -l kubernetes.io/service-name=NAME</c>):
/// which pod IPs kube-proxy may send the Service's traffic to, and in what condition each is.
/// </summary>
public sealed class EndpointTable(string service, IReadOnlyList<V1EndpointSlice> slices) : IHtmlDisplayable
{
    private static readonly string[] Headers = ["SLICE", "ADDRESS", "POD", "NODE", "READY", "SERVING", "TERMINATING", "PORTS"];

    public string Service { get; } = service;
    public IReadOnlyList<V1EndpointSlice> Slices { get; } = slices;
    public IReadOnlyList<EndpointRow> Rows { get; } = slices.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal)
        .SelectMany(EndpointRow.From).OrderBy(r => r.Pod ?? r.Address, StringComparer.Ordinal).ToList();

    /// <summary>Pods whose endpoint is ready: where new connections to the Service go.</summary>
    public IReadOnlyList<string> ReadyPods => Rows.Where(r => r.Ready && r.Pod is not null).Select(r => r.Pod!).ToList();

    private IEnumerable<IReadOnlyList<string>> Cells() => Rows.Select(r => (IReadOnlyList<string>)
        [r.Slice, r.Address, r.Pod ?? "<none>", r.Node ?? "<none>", Yes(r.Ready), Yes(r.Serving), Yes(r.Terminating), r.Ports]);

    private static string Yes(bool b) => b ? "true" : "false";

    public override string ToString() => Rows.Count == 0
        ? $"Service {Service} has no endpoints ({Slices.Count} EndpointSlice(s)): its selector matches no running pod, or it has no selector and nobody wrote a slice."
        : Html.TextTable(Headers, Cells());

    public string ToHtml() => Rows.Count == 0 ? $"<p>{Html.Escape(ToString())}</p>" : Html.Table($"Endpoints of Service {Service} (EndpointSlices)", Headers, Cells());
}
