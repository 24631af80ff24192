namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// The remote command sub-protocols a WebSocket client may ask for (k8s.io/apimachinery/pkg/util/remotecommand constants).
/// Both are binary: every message is one channel byte followed by the payload. v5 adds the close signal (channel 255 with
/// the id of the stream the client half-closes), so stdin can end without closing the socket. In a real cluster v5 is served
/// by the API server's stream translator and v4 by the container runtime behind the kubelet, which words some errors
/// differently (see <see cref="ExecStatus"/>).
/// </summary>
public static class StreamProtocol
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    public const byte Stdin = 0;
    public const byte Stdout = 1;
    public const byte Stderr = 2;
    public const byte Error = 3;
    public const byte Resize = 4;
    public const byte Close = 255;

    public static readonly IReadOnlyList<string> Supported = [V5, V4];

    /// <summary>
    /// The first protocol the client lists that is supported (wsstream's handshake goes by the client's order); null if none.
    /// </summary>
    public static string? Negotiate(IEnumerable<string> requested) =>
        requested.Select(p => p.Trim()).FirstOrDefault(p => Supported.Contains(p, StringComparer.Ordinal));
}
