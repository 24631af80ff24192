using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Pods;

namespace KubeLab;

/// <summary>What logs and exec share: turning the API server's refusal into a <see cref="PodAccessException"/> with a hint.</summary>
public sealed partial class Lab
{
    private async Task<PodAccessException> ExplainAsync(string operation, string pod, string? container, bool previous,
        int? statusCode, string serverMessage, Exception inner)
    {
        V1Pod? read = null;
        IReadOnlyList<string> others = [];
        try
        {
            read = await _client.CoreV1.ReadNamespacedPodAsync(pod, Namespace).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            try { others = (await _client.CoreV1.ListNamespacedPodAsync(Namespace).ConfigureAwait(false)).Items.Select(p => p.Metadata.Name).Order(StringComparer.Ordinal).ToList(); }
            catch (HttpOperationException) { }
        }
        catch (HttpOperationException) { } // cannot read it either: the hint falls back to the server's message
        var hint = ContainerHints.For(operation, pod, read, container, previous, serverMessage, others);
        return new PodAccessException(operation, pod, container, statusCode, serverMessage, hint, inner);
    }

    private Task<PodAccessException> ExplainAsync(string operation, string pod, string? container, bool previous, HttpOperationException e) =>
        ExplainAsync(operation, pod, container, previous, (int)e.Response.StatusCode, ApiStatusText.MessageOf(e.Response.Content), e);
}
