using System.Globalization;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Environment;

/// <summary>
/// Docker-link style variables for services (pkg/kubelet/envvars FromServices): per service with a cluster IP
/// <c>NAME_SERVICE_HOST</c>, <c>NAME_SERVICE_PORT</c> (first port), <c>NAME_SERVICE_PORT_&lt;PORTNAME&gt;</c>, <c>NAME_PORT=tcp://ip:port</c>
/// and <c>NAME_PORT_&lt;port&gt;_&lt;PROTO&gt;[_PROTO|_PORT|_ADDR]</c>; NAME is the service name upper-cased with '-' → '_'.
/// </summary>
public static class ServiceLinkEnv
{
    /// <summary>The variables of one Service (the same names and values in every pod of the namespace: pooled, not copied per pod).</summary>
    public static IEnumerable<KeyValuePair<string, string>> For(V1Service service) =>
        Variables(service).Select(v => new KeyValuePair<string, string>(Util.SharedStrings.Get(v.Key), Util.SharedStrings.Get(v.Value)));

    private static IEnumerable<KeyValuePair<string, string>> Variables(V1Service service)
    {
        var ip = service.Spec?.ClusterIP;
        var ports = service.Spec?.Ports;
        if (string.IsNullOrEmpty(ip) || ip == "None" || ports is not { Count: > 0 }) yield break;
        var prefix = VariableName(service.Metadata.Name);
        yield return new(prefix + "_SERVICE_HOST", ip);
        yield return new(prefix + "_SERVICE_PORT", Port(ports[0]));
        foreach (var p in ports)
            if (!string.IsNullOrEmpty(p.Name)) yield return new(prefix + "_SERVICE_PORT_" + VariableName(p.Name), Port(p));
        var hostIp = ip.Contains(':') ? $"[{ip}]" : ip;
        for (var i = 0; i < ports.Count; i++)
        {
            var protocol = string.IsNullOrEmpty(ports[i].Protocol) ? "TCP" : ports[i].Protocol;
            var url = $"{protocol.ToLowerInvariant()}://{hostIp}:{Port(ports[i])}";
            if (i == 0) yield return new(prefix + "_PORT", url);
            var portPrefix = $"{prefix}_PORT_{Port(ports[i])}_{protocol.ToUpperInvariant()}";
            yield return new(portPrefix, url);
            yield return new(portPrefix + "_PROTO", protocol.ToLowerInvariant());
            yield return new(portPrefix + "_PORT", Port(ports[i]));
            yield return new(portPrefix + "_ADDR", ip);
        }
    }

    private static string VariableName(string name) => name.Replace('-', '_').ToUpperInvariant();

    private static string Port(V1ServicePort p) => p.Port.ToString(CultureInfo.InvariantCulture);
}
