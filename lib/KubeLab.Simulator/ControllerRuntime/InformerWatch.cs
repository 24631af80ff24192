using k8s;
using k8s.Models;

namespace KubeLab.Simulator.ControllerRuntime;

/// <summary>
/// Builds an informer's <see cref="Informer{T, TList}.WatchCall"/> for a resource path, with the query a reflector sends
/// (client-go's ListWatch: allowWatchBookmarks, resourceVersion, timeoutSeconds, watch=true, plus the informer's selectors),
/// read by <see cref="WatchStreamReader"/>.
/// </summary>
public static class InformerWatch
{
    /// <param name="client">The client whose credentials and pipeline the watch uses.</param>
    /// <param name="path">The collection, relative to the API server: <c>api/v1/pods</c>, <c>apis/apps/v1/replicasets</c>,
    /// <c>api/v1/namespaces/{ns}/configmaps</c>.</param>
    /// <param name="timeoutSeconds">The server ends the watch after this long; the informer then resumes from its resourceVersion.</param>
    /// <param name="fieldSelector">Restricts the watch as the informer's LIST is restricted (e.g. <c>spec.nodeName=…</c>).</param>
    public static Informer<T, TList>.WatchCall For<T, TList>(IKubernetes client, string path, int timeoutSeconds, string? fieldSelector = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
        where TList : class, IKubernetesObject<V1ListMeta>, IItems<T>
    {
        // The query's parameters in the order the generated Watch…Async methods write them (alphabetical, as in the OpenAPI spec).
        var before = $"{path}?allowWatchBookmarks=true{(fieldSelector is null ? "" : "&fieldSelector=" + Uri.EscapeDataString(fieldSelector))}&resourceVersion=";
        var after = $"&timeoutSeconds={timeoutSeconds}&watch=true";
        return (resourceVersion, onError, cancellationToken) =>
            WatchStreamReader.WatchAsync<T>(client, before + Uri.EscapeDataString(resourceVersion) + after, onError, cancellationToken);
    }
}
