using KubeLab.Simulator.Util;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>
/// kube-apiserver's token cache (k8s.io/apiserver/pkg/authentication/token/cache, wired in pkg/kubeapiserver/authenticator
/// with <c>TokenSuccessCacheTTL = 10 * time.Second</c> and <c>TokenFailureCacheTTL = 0</c>): a token that authenticated is
/// trusted again, for the same audiences, for 10 s (on the cluster clock) without verifying its signature or looking up its
/// ServiceAccount and bound object; refusals are not cached. So on kind too, a token keeps working for up to 10 s after its
/// Pod, Secret or ServiceAccount is deleted.
/// </summary>
public sealed class CachedTokenAuthenticator(ServiceAccountTokenAuthenticator inner, TimeProvider time)
{
    public static readonly TimeSpan SuccessTtl = TimeSpan.FromSeconds(10);

    private readonly BoundedCache<string, (UserInfo User, DateTimeOffset Until)> successes = new(4_096, StringComparer.Ordinal);

    /// <summary>As <see cref="ServiceAccountTokenAuthenticator.Authenticate"/>, answered from the cache while a success is fresh.</summary>
    public (UserInfo? User, string? Error) Authenticate(string token, IReadOnlyList<string>? audiences = null)
    {
        // The key names the audiences asked for (upstream hashes them with the token): a TokenReview for "vault" is another question.
        var key = audiences is null ? token : string.Join('\n', audiences) + "\n\n" + token;
        var now = time.GetUtcNow();
        if (successes.TryGetValue(key, out var hit) && now < hit.Until) return (hit.User, null);
        var (user, error) = inner.Authenticate(token, audiences);
        if (user is not null) successes.Set(key, (user, now + SuccessTtl));
        return (user, error);
    }
}
