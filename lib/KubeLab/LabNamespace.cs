using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Observe;

namespace KubeLab;

/// <summary>Namespace lifecycle: rerunning a notebook from the top must work, so a leftover namespace is deleted first.</summary>
public sealed partial class Lab
{
    private static readonly TimeSpan NamespaceDeletionTimeout = TimeSpan.FromMinutes(2);

    private static async Task RecreateNamespaceAsync(IKubernetes client, string ns, CancellationToken ct)
    {
        await DeleteNamespaceAndWaitAsync(client, ns, ct).ConfigureAwait(false);
        var body = new V1Namespace
        {
            Metadata = new V1ObjectMeta { Name = ns, Labels = new Dictionary<string, string> { [CourseLabel] = "true" } },
        };
        await client.CoreV1.CreateNamespaceAsync(body, cancellationToken: ct).ConfigureAwait(false);
    }

    internal static async Task DeleteNamespaceAndWaitAsync(IKubernetes client, string ns, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespaceAsync(ns, cancellationToken: ct).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // already terminating – just wait below
        }
        await ListWatch.WithTimeoutAsync(
            token => ListWatch.UntilAsync<V1Namespace, V1NamespaceList, bool>(
                (rv, watch, c) => client.CoreV1.ListNamespaceWithHttpMessagesAsync(fieldSelector: $"metadata.name={ns}", resourceVersion: rv, watch: watch, cancellationToken: c),
                items => (items.Count == 0, true), token),
            NamespaceDeletionTimeout, $"namespace {ns} to be deleted",
            async () =>
            {
                var left = await client.CoreV1.ListNamespacedPodAsync(ns, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                return $"  {left.Items.Count} pod(s) still in the namespace: {string.Join(", ", left.Items.Select(p => $"{p.Metadata.Name} ({PodStatusText.Status(p)})"))}\n" +
                       "  Hint: pods with finalizers or a long terminationGracePeriodSeconds keep a namespace Terminating.";
            }, ct).ConfigureAwait(false);
    }
}
