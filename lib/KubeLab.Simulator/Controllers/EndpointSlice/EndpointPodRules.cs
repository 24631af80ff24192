using k8s.Models;

namespace KubeLab.Simulator.Controllers.EndpointSlice;

/// <summary>
/// The pod facts the EndpointSlice and Endpoints controllers share (pkg/controller/util/endpoint/controller_utils.go
/// ShouldPodBeInEndpoints, ShouldSetHostname; pkg/api/v1/pod/util.go FindPort; k8s.io/endpointslice utils.go podToEndpoint).
/// </summary>
public static class EndpointPodRules
{
    /// <summary>Whether the Service's (equality) selector matches the pod; a Service without selector matches nothing.</summary>
    public static bool Selects(V1Service svc, V1Pod pod) =>
        svc.Spec?.Selector is { Count: > 0 } selector && pod.Metadata.NamespaceProperty == svc.Metadata.NamespaceProperty &&
        selector.All(kv => pod.Metadata.Labels is { } l && l.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>
    /// ShouldPodBeInEndpoints: the pod has an IP; a terminating pod only when <paramref name="includeTerminating"/>; a pod
    /// with restartPolicy Never is out once Succeeded or Failed, OnFailure once Succeeded, Always never on phase.
    /// </summary>
    public static bool ShouldPodBeInEndpoints(V1Pod pod, bool includeTerminating)
    {
        if (string.IsNullOrEmpty(pod.Status?.PodIP) && pod.Status?.PodIPs is not { Count: > 0 }) return false;
        if (!includeTerminating && pod.Metadata.DeletionTimestamp is not null) return false;
        return pod.Spec?.RestartPolicy switch
        {
            "Never" => pod.Status!.Phase is not ("Succeeded" or "Failed"),
            "OnFailure" => pod.Status!.Phase != "Succeeded",
            _ => true,
        };
    }

    /// <summary>podutil.IsPodReady: the Ready condition is True.</summary>
    public static bool IsReady(V1Pod pod) => pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    /// <summary>ShouldSetHostname: spec.hostname is set and spec.subdomain names this Service (same namespace).</summary>
    public static bool ShouldSetHostname(V1Pod pod, V1Service svc) =>
        !string.IsNullOrEmpty(pod.Spec?.Hostname) && pod.Spec.Subdomain == svc.Metadata.Name && pod.Metadata.NamespaceProperty == svc.Metadata.NamespaceProperty;

    /// <summary>
    /// FindPort: a numeric targetPort is used as it is (unset → the Service port, as defaulting would set it); a named one is
    /// the containerPort with that name and the Service port's protocol, or null when the pod has none.
    /// </summary>
    public static int? FindPort(V1Pod pod, V1ServicePort svcPort)
    {
        var target = svcPort.TargetPort?.Value;
        if (string.IsNullOrEmpty(target)) return svcPort.Port;
        if (int.TryParse(target, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return n;
        var protocol = svcPort.Protocol ?? "TCP";
        foreach (var c in pod.Spec?.Containers ?? [])
            foreach (var p in c.Ports ?? [])
                if (p.Name == target && (p.Protocol ?? "TCP") == protocol) return p.ContainerPort;
        return null;
    }

    /// <summary>The pod's IPv4 address (status.podIP, else the first of status.podIPs).</summary>
    public static string? PodIPv4(V1Pod pod) =>
        !string.IsNullOrEmpty(pod.Status?.PodIP) ? pod.Status.PodIP : pod.Status?.PodIPs?.Select(p => p.Ip).FirstOrDefault(ip => ip?.Contains('.') == true);

    /// <summary>A label's value, or null.</summary>
    public static string? Label(IDictionary<string, string>? labels, string key) => labels is not null && labels.TryGetValue(key, out var v) ? v : null;
}
