using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.Kubelet.Volumes;

/// <summary>
/// The kubelet's token manager for projected <c>serviceAccountToken</c> sources (pkg/kubelet/token/token_manager.go): a
/// TokenRequest to the API server bound to the Pod (so the token dies with it), cached and fetched again once 80 % of its
/// requested lifetime or 24 hours have passed (requiresRefresh). The token is the API server's real, verifiable JWT.
/// </summary>
public sealed class ServiceAccountTokenSource(IKubernetes client, TimeProvider time)
{
    private readonly Dictionary<string, (string Token, DateTimeOffset RefreshAt)> cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    public async Task<string> GetAsync(V1Pod pod, V1ServiceAccountTokenProjection source, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var sa = string.IsNullOrEmpty(pod.Spec?.ServiceAccountName) ? "default" : pod.Spec.ServiceAccountName;
        // The API defaults a projection's expirationSeconds to 3600; the ServiceAccount admission's kube-api-access volume asks for 3607.
        var seconds = source.ExpirationSeconds ?? 3600;
        var key = $"{sa}/{source.Audience}/{seconds}/{pod.Metadata.Uid}";
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (cache.TryGetValue(key, out var cached) && now < cached.RefreshAt) return cached.Token;
            var request = new Authenticationv1TokenRequest
            {
                Spec = new V1TokenRequestSpec
                {
                    Audiences = string.IsNullOrEmpty(source.Audience) ? [] : [source.Audience],
                    ExpirationSeconds = seconds,
                    BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
                },
            };
            Authenticationv1TokenRequest issued;
            try
            {
                issued = await client.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, sa, ns, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (HttpOperationException e)
            {
                throw new VolumePayloads.PayloadException("failed to fetch token: " + ApiErrorMessage.Of(e));
            }
            var refreshAt = now + TimeSpan.FromSeconds(Math.Min(seconds * 0.8, TimeSpan.FromHours(24).TotalSeconds));
            cache[key] = (issued.Status.Token, refreshAt);
            return issued.Status.Token;
        }
        finally
        {
            gate.Release();
        }
    }
}
