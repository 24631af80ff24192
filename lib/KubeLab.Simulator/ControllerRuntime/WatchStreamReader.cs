using System.Net;
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
        using var response = await SendAsync(client, relativeUri, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// What Kubernetes.SendRequestRaw does for a GET: the client's credentials on the request, sent through its HttpClient (its
    /// handler chain) for headers only, HTTP/2 preferred; a status other than 2xx becomes an HttpOperationException with the body.
    /// </summary>
    private static async Task<HttpResponseMessage> SendAsync(IKubernetes client, string relativeUri, CancellationToken cancellationToken)
    {
        var kubernetes = client as Kubernetes
            ?? throw new ArgumentException($"watching needs a KubernetesClient {nameof(Kubernetes)} client, not {client.GetType().Name}", nameof(client));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(kubernetes.BaseUri, relativeUri)) { Version = HttpVersion.Version20 };
        if (kubernetes.Credentials is { } credentials)
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await kubernetes.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}', response body {body}")
            {
                Request = new HttpRequestMessageWrapper(request, ""),
                Response = new HttpResponseMessageWrapper(response, body),
            };
        }
    }
}
