using k8s;
using k8s.Models;

namespace KubeLab.Simulator.CloudProvider.Kind.GatewayApi;

/// <summary>
/// cloud-provider-kind's CRD manager (pkg/gateway/crd_manager.go): at start each CRD of the channel is created through the API
/// when it is missing (an existing one, e.g. a newer bundle the user installed, is left as it is), then it waits until the
/// API server reports them Established.
/// </summary>
public static class GatewayApiInstaller
{
    public static async Task InstallAsync(IKubernetes client, TimeProvider time, CancellationToken ct)
    {
        var existing = (await client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: ct).ConfigureAwait(false))
            .Items.Select(c => c.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        var wanted = GatewayApiCrds.All();
        foreach (var crd in wanted)
        {
            var name = (string)crd["metadata"]!["name"]!;
            if (existing.Contains(name)) continue;
            try
            {
                await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesJson.Deserialize<V1CustomResourceDefinition>(crd.ToJsonString()), cancellationToken: ct).ConfigureAwait(false);
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { }
        }
        var names = wanted.Select(c => (string)c["metadata"]!["name"]!).ToHashSet(StringComparer.Ordinal);
        while (!ct.IsCancellationRequested)
        {
            var list = await client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: ct).ConfigureAwait(false);
            if (list.Items.Where(c => names.Contains(c.Metadata.Name)).Count(c => c.Status?.Conditions?.Any(x => x.Type == "Established" && x.Status == "True") == true) == names.Count) return;
            await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct).ConfigureAwait(false);
        }
    }
}
