using System.Collections.Concurrent;
using System.Net;

namespace KubeLab.Simulator.Network;

/// <summary>
/// The flat pod network a CNI plugin gives kind (kindnet): every pod IP reachable from every pod and from the API server,
/// without NAT. A connection to an IP goes to the pod sandbox holding it; <c>localhost</c>/127.0.0.1 stays in the caller's
/// sandbox. Host names are resolved by <see cref="Resolver"/>, which the cluster DNS (<see cref="Dns.ClusterDns"/>) sets.
/// </summary>
public sealed class ClusterNetwork
{
    private readonly ConcurrentDictionary<string, PodSandbox> byIp = new(StringComparer.Ordinal);

    /// <summary>Name → IPv4 address as the pod's resolver would answer (null: "bad address", busybox's NXDOMAIN text).</summary>
    public Func<PodSandbox?, string, string?> Resolver { get; set; } = (_, _) => null;

    /// <summary>The cluster DNS server (kube-dns at 10.96.0.10) for tools that send their own queries (nslookup); null: none runs.</summary>
    public Dns.IClusterDnsServer? Dns { get; set; }

    public void Attach(PodSandbox sandbox)
    {
        if (sandbox.Ip is { } ip) byIp[ip] = sandbox;
    }

    public void Detach(PodSandbox sandbox)
    {
        if (sandbox.Ip is { } ip) byIp.TryRemove(new KeyValuePair<string, PodSandbox>(ip, sandbox));
    }

    public PodSandbox? SandboxOf(string ip) => byIp.GetValueOrDefault(ip);

    /// <summary>An IPv4 literal, localhost, or a name the resolver knows; null if it cannot be resolved.</summary>
    public string? Resolve(PodSandbox? from, string host)
    {
        if (host is "localhost" || host.StartsWith("127.", StringComparison.Ordinal)) return "127.0.0.1";
        if (IPAddress.TryParse(host, out var a) && a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) return host;
        if (from is not null && host == from.Hostname) return from.Ip;
        return Resolver(from, host);
    }

    /// <summary>The node's service rules (kube-proxy); null: none run, and only pod IPs are reachable.</summary>
    public KubeProxy.IServiceRouter? Services { get; set; }

    /// <summary>Where connections without a pod sandbox come from (the API server and the kubelets dial from their node).</summary>
    public string ControlPlaneNode { get; set; } = "k8s-course-control-plane";
    public string ControlPlaneIp { get; set; } = "172.18.0.2";

    /// <summary>kube-apiserver's secure port on the control-plane node (hostNetwork), the endpoint of Service default/kubernetes.</summary>
    public const int ApiServerPort = 6443;

    /// <summary>
    /// kube-apiserver listening on <see cref="ControlPlaneIp"/>:6443: set by SimulatedCluster to hand the request to its real
    /// HTTPS listener, so a Pod calling https://kubernetes.default.svc gets the real API server's answer. Only a TLS client
    /// (<see cref="IsApiServer"/>) may use it.
    /// </summary>
    public HttpHandler? ApiServer { get; set; }

    /// <summary>The CA that signed the API server's serving certificate (what a pod's ca.crt must hold to trust it).</summary>
    public string? ApiServerCaPem { get; set; }

    /// <summary>The names and addresses in the API server's serving certificate (kubeadm's SANs).</summary>
    public IReadOnlyList<string> ApiServerNames { get; set; } = [];

    /// <summary>True when a connection from <paramref name="from"/> to ip:port reaches kube-apiserver (directly or via the kubernetes Service).</summary>
    public bool IsApiServer(PodSandbox? from, string ip, int port)
    {
        if (ApiServer is null) return false;
        if (ip == ControlPlaneIp && port == ApiServerPort) return true;
        return SandboxOf(ip) is null && Services?.Route(from?.Ip ?? ControlPlaneIp, from?.NodeName ?? ControlPlaneNode, ip, port) is
            { Outcome: KubeProxy.RouteOutcome.Forward } d && d.Ip == ControlPlaneIp && d.Port == ApiServerPort;
    }

    /// <summary>
    /// Opens a connection from <paramref name="from"/> (null: the API server or a node) to ip:port and sends one request.
    /// Throws <see cref="NetworkException"/> with Go's wording when nothing listens there; a connection the service rules drop
    /// never completes (it ends when <paramref name="ct"/> does, as the caller's own timeout on the cluster clock decides).
    /// </summary>
    public Task<HttpResponseMessageModel> SendAsync(PodSandbox? from, string ip, int port, HttpRequestMessageModel request, CancellationToken ct)
        => SendFromAsync(from, from?.Ip ?? ControlPlaneIp, from?.NodeName ?? ControlPlaneNode, ip, port, request, ct);

    /// <summary>A connection arriving at <paramref name="node"/> from outside the pod network (the host's port mapping, a load balancer).</summary>
    public Task<HttpResponseMessageModel> SendFromNodeAsync(string node, string clientIp, string ip, int port, HttpRequestMessageModel request, CancellationToken ct)
        => SendFromAsync(null, clientIp, node, ip, port, request, ct);

    private Task<HttpResponseMessageModel> SendFromAsync(PodSandbox? from, string clientIp, string clientNode, string ip, int port, HttpRequestMessageModel request, CancellationToken ct)
    {
        var target = ip == "127.0.0.1" ? from : SandboxOf(ip);
        if (target is null && ip == ControlPlaneIp && port == ApiServerPort && ApiServer is { } direct) return direct(request, ct);
        if (target is null && Services?.Route(clientIp, clientNode, ip, port) is { Outcome: not KubeProxy.RouteOutcome.NotAService } d)
        {
            switch (d.Outcome)
            {
                case KubeProxy.RouteOutcome.Refused: throw NetworkException.Refused(ip, port);
                case KubeProxy.RouteOutcome.Dropped: return NeverAnswered(ct);
            }
            // DNAT to the endpoint; an endpoint whose pod is gone has no sandbox, and the packets to it are lost.
            target = SandboxOf(d.Ip);
            if (target is null && d.Ip == ControlPlaneIp && d.Port == ApiServerPort && ApiServer is { } api) return api(request, ct);
            if (target is null) return NeverAnswered(ct);
            port = d.Port;
            if (d.ClientIp.Length > 0 && d.ClientIp != request.RemoteIp) request = request with { RemoteIp = d.ClientIp };
            ip = d.Ip;
        }
        if (target is null)
        {
            // In kind an unused pod IP inside the node's range just times out; one outside any pod answers "no route".
            throw NetworkException.NoRoute(ip, port);
        }
        var handler = target.ListenerOn(port) ?? throw NetworkException.Refused(ip, port);
        return handler(request, ct);
    }

    /// <summary>A SYN that gets no answer: the connection attempt lasts until the caller gives up.</summary>
    private static async Task<HttpResponseMessageModel> NeverAnswered(CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
        throw new OperationCanceledException(ct);
    }

    /// <summary>A TCP connect only (tcpSocket probes, <c>nc -z</c>): true if something listens (through the service rules too).</summary>
    public bool CanConnect(PodSandbox? from, string ip, int port)
    {
        var target = ip == "127.0.0.1" ? from : SandboxOf(ip);
        if (target is null && Services?.Route(from?.Ip ?? ControlPlaneIp, from?.NodeName ?? ControlPlaneNode, ip, port) is { Outcome: KubeProxy.RouteOutcome.Forward } d)
            return SandboxOf(d.Ip)?.ListenerOn(d.Port) is not null;
        return target?.ListenerOn(port) is not null;
    }

    /// <summary>
    /// What a TLS client meets at ip:port (after the service rules, as <see cref="CanConnect"/>): nothing listening, a plain
    /// listener (it answers a ClientHello with non-TLS bytes), or a TLS server. kube-apiserver is <see cref="IsApiServer"/>.
    /// </summary>
    public (bool Listening, ITlsServer? Tls) TlsAt(PodSandbox? from, string ip, int port)
    {
        var target = ip == "127.0.0.1" ? from : SandboxOf(ip);
        if (target is null && Services?.Route(from?.Ip ?? ControlPlaneIp, from?.NodeName ?? ControlPlaneNode, ip, port) is { Outcome: KubeProxy.RouteOutcome.Forward } d)
            (target, port) = (SandboxOf(d.Ip), d.Port);
        return target?.ListenerOn(port) is null ? (false, null) : (true, target.TlsOn(port));
    }
}
