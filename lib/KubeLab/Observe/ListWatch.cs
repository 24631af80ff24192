// WatcherExt.WatchAsync(Task<HttpOperationResponse<TList>>) is marked obsolete in favour of per-resource WatchList*Async
// methods; the list-response form lets one generic list+watch loop serve every kind, so we keep it deliberately.
#pragma warning disable CS0618
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeLab.Observe;

/// <summary>List call that can also watch (KubernetesClient's List*WithHttpMessagesAsync with watch: true).</summary>
internal delegate Task<HttpOperationResponse<TList>> ListCall<TList>(string? resourceVersion, bool watch, CancellationToken ct);

/// <summary>
/// The informer pattern in miniature: list, then watch from the list's resourceVersion and re-evaluate on every event.
/// When a watch ends (timeout, 410 Gone, connection drop) it re-lists once and continues – no polling loop.
/// </summary>
internal static class ListWatch
{
    public static async Task<TResult> UntilAsync<T, TList, TResult>(ListCall<TList> call,
        Func<IReadOnlyCollection<T>, (bool Done, TResult Result)> check, CancellationToken ct)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var list = (await call(null, false, ct).ConfigureAwait(false)).Body;
            var state = list.Items.ToDictionary(i => Key(i));
            var result = check(state.Values);
            if (result.Done) return result.Result;
            try
            {
                await foreach (var (type, obj) in call(list.Metadata.ResourceVersion, true, ct).WatchAsync<T, TList>(_ => { }, ct).ConfigureAwait(false))
                {
                    if (obj?.Metadata is null) continue;
                    if (type == WatchEventType.Deleted) state.Remove(Key(obj));
                    else if (type is WatchEventType.Added or WatchEventType.Modified) state[Key(obj)] = obj;
                    else continue;
                    result = check(state.Values);
                    if (result.Done) return result.Result;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && !ct.IsCancellationRequested)
            {
                // Watch broke (e.g. 410 Expired); fall through to a fresh list.
            }
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
    }

    internal static string Key(IKubernetesObject<V1ObjectMeta> o) => $"{o.Metadata.NamespaceProperty}/{o.Metadata.Name}";

    /// <summary>Runs <paramref name="operation"/> with a timeout; on timeout throws <see cref="WaitTimeoutException"/> with diagnostics.</summary>
    public static async Task<T> WithTimeoutAsync<T>(Func<CancellationToken, Task<T>> operation, TimeSpan timeout, string description,
        Func<Task<string>> diagnostics, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            return await operation(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            string details;
            try { details = await diagnostics().ConfigureAwait(false); }
            catch (Exception e) { details = $"(could not collect diagnostics: {e.Message})"; }
            throw new WaitTimeoutException(description, timeout, details);
        }
    }
}
