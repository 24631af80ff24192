using System.Collections.Concurrent;

namespace KubeLab.Simulator.Network;

/// <summary>
/// A Pod's network namespace (the CRI "pod sandbox"): one IP and one set of ports for all its containers – which is why two
/// containers of a Pod reach each other on <c>localhost</c> and cannot both listen on the same port.
/// </summary>
public sealed class PodSandbox(string ns, string podName, string uid, string hostname, string nodeName)
{
    // One per Pod with a port or two: sized small (the default 31 buckets were ~300 bytes per Pod, issue 7).
    private readonly ConcurrentDictionary<int, (string Container, HttpHandler Handler, ITlsServer? Tls)> listeners = new(concurrencyLevel: 1, capacity: 2);

    public string Namespace { get; } = ns;
    public string PodName { get; } = podName;
    public string Uid { get; } = uid;
    /// <summary>The pod's hostname: <c>spec.hostname</c> or the pod name (what <c>hostname</c> prints inside it).</summary>
    public string Hostname { get; } = hostname;
    public string NodeName { get; } = nodeName;
    /// <summary>Set when the sandbox gets its address from the node's pod CIDR.</summary>
    public string? Ip { get; set; }

    /// <summary>Starts listening (with <paramref name="tls"/>: TLS is terminated on the port); a port another container of the Pod holds fails as bind(2) does.</summary>
    public IDisposable Listen(int port, string container, HttpHandler handler, ITlsServer? tls = null)
    {
        if (!listeners.TryAdd(port, (container, handler, tls)))
            throw new NetworkException($"listen tcp :{port}: bind: address already in use");
        return new Listening(this, port, container);
    }

    public HttpHandler? ListenerOn(int port) => listeners.TryGetValue(port, out var l) ? l.Handler : null;

    /// <summary>The TLS server on a listening port; null when the port speaks plain TCP/HTTP or nothing listens.</summary>
    public ITlsServer? TlsOn(int port) => listeners.TryGetValue(port, out var l) ? l.Tls : null;

    public IReadOnlyList<(int Port, string Container)> Ports => listeners.Select(kv => (kv.Key, kv.Value.Container)).OrderBy(p => p.Key).ToList();

    /// <summary>Every container of the Pod stopped listening (used when a container exits or restarts).</summary>
    public void CloseAll(string container)
    {
        foreach (var (port, l) in listeners)
            if (l.Container == container) listeners.TryRemove(port, out _);
    }

    private sealed class Listening(PodSandbox sandbox, int port, string container) : IDisposable
    {
        public void Dispose()
        {
            if (sandbox.listeners.TryGetValue(port, out var l) && l.Container == container) sandbox.listeners.TryRemove(port, out _);
        }
    }
}
