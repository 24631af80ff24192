using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// The informers' WATCH: the GET KubernetesClient's generated Watch…Async methods send, read as UTF-8 lines and decoded
/// without strings (<see cref="Utf8LineReader"/>, <see cref="WatchEventDecoder"/>), like client-go's StreamWatcher over its
/// JSON framer. KubernetesClient's Watcher reads every line into a .NET string and parses it twice – at 10,000 pods that was
/// most of the informers' allocation. The request goes through the client's own pipeline (its credentials, delegating
/// handlers and transport), as the generated methods send it.
/// </summary>
public static class WatchStreamReader
{
    /// <summary>
    /// The events of the watch at <paramref name="relativeUri"/> (a path and query with <c>watch=true</c>) until the server ends
    /// the response (its timeoutSeconds) or <paramref name="cancellationToken"/> is cancelled, which closes the response (the
    /// server sees the request aborted). ERROR events and undecodable lines go to <paramref name="onError"/>, as with
    /// KubernetesClient's Watch…Async; a failed request throws <see cref="HttpOperationException"/>, as its calls do.
    /// </summary>
    public static async IAsyncEnumerable<(WatchEventType, T)> WatchAsync<T>(IKubernetes client, string relativeUri, Action<Exception>? onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = await RawApiRequest.SendAsync(client, HttpMethod.Get, relativeUri, null, null, HttpCompletionOption.ResponseHeadersRead,
            cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var lines = new Utf8LineReader(stream);
            while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (WatchEventDecoder.TryDecode<T>(lines.Current.Span, onError, out var type, out var obj)) yield return (type, obj!);
            }
        }
    }
}
