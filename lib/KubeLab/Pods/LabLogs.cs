using System.Runtime.CompilerServices;
using System.Text;
using k8s;
using k8s.Autorest;

namespace KubeLab;

/// <summary>
/// Container logs through the API (GET /api/v1/namespaces/{ns}/pods/{pod}/log – what `kubectl logs` calls). The kubelet serves what
/// the container wrote to stdout and stderr, one file per run of the container.
/// </summary>
public sealed partial class Lab
{
    /// <summary>
    /// The log of a container, like <c>kubectl logs POD [-c CONTAINER] [--previous] [--tail N] [--timestamps]</c>.
    /// <paramref name="container"/> may be left out for a pod with one container. <paramref name="previous"/> reads the run before the
    /// last restart. Refusals (no such container, not started yet, no previous run, …) raise a <see cref="PodAccessException"/> with
    /// the server's text and what the container is doing.
    /// </summary>
    public async Task<string> LogsAsync(string pod, string? container = null, bool previous = false, int? tailLines = null,
        bool timestamps = false, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        try
        {
            await using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod, Namespace, container: container,
                previous: previous ? true : null, tailLines: tailLines, timestamps: timestamps ? true : null, cancellationToken: ct).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            throw await ExplainAsync("logs", pod, container, previous, e).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Follows a container's log (<c>kubectl logs -f</c>): the lines written so far, then each new line as the container writes it.
    /// The stream ends when the container stops or <paramref name="ct"/> is cancelled (cancel it to stop following; the enumeration
    /// then simply ends). Bound the wait yourself, e.g. with a <see cref="CancellationTokenSource"/> and a timeout.
    /// </summary>
    public async IAsyncEnumerable<string> FollowLogsAsync(string pod, string? container = null, int? tailLines = null,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pod);
        Stream stream;
        try
        {
            stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod, Namespace, container: container, follow: true,
                tailLines: tailLines, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            yield break;
        }
        catch (HttpOperationException e)
        {
            throw await ExplainAsync("logs", pod, container, false, e).ConfigureAwait(false);
        }
        await using (stream.ConfigureAwait(false))
        {
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    yield break;
                }
                catch (IOException) when (ct.IsCancellationRequested)
                {
                    yield break; // the connection was torn down by the cancellation
                }
                if (line is null) yield break;
                yield return line;
            }
        }
    }
}
