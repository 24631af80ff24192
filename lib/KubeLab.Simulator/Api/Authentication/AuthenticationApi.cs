using System.Globalization;
using System.Text.Json.Nodes;
using KubeLab.Simulator.Api.Errors;
using KubeLab.Simulator.Api.Registry;
using KubeLab.Simulator.Api.Server;
using KubeLab.Simulator.Api.Storage;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.Authentication;

/// <summary>
/// The authentication APIs: the TokenRequest subresource <c>serviceaccounts/{name}/token</c>
/// (pkg/registry/core/serviceaccount/storage/token.go), <c>selfsubjectreviews</c> (`kubectl auth whoami`,
/// pkg/registry/authentication/selfsubjectreview) and <c>tokenreviews</c> (pkg/registry/authentication/tokenreview).
/// </summary>
public sealed class AuthenticationApi(RestStorage storage, ServiceAccountTokens tokens, CachedTokenAuthenticator authenticator)
{
    /// <summary>pkg/apis/authentication/validation: 10 minutes ≤ expirationSeconds ≤ 2^32.</summary>
    public const long MinExpirationSeconds = 600;
    public const long MaxExpirationSeconds = 1L << 32;
    /// <summary>TokenRequestSpec default (SetDefaults_TokenRequestSpec): one hour.</summary>
    public const long DefaultExpirationSeconds = 3600;
    /// <summary>
    /// The kubelet asks for 3607 s; with --service-account-extend-token-expiration=true (default) such a pod-bound token is valid
    /// for a year and carries kubernetes.io.warnafter (serviceaccount token.go WarnOnlyBoundTokenExpirationSeconds / ExpirationExtensionSeconds).
    /// </summary>
    public const long KubeletExpirationSeconds = 3607;
    public const long ExtendedExpirationSeconds = 24L * 365 * 60 * 60;


    public static bool IsReview(ResourceType t) => t.Group == "authentication.k8s.io" && t.Kind is "SelfSubjectReview" or "TokenReview";

    /// <summary>POST …/serviceaccounts/{name}/token.</summary>
    public async Task ServeTokenRequest(HttpContext ctx, string method, RequestInfo info)
    {
        if (method != "POST") throw ApiError.MethodNotAllowed();
        var body = await HttpIO.ReadObject(ctx);
        Admission.NodeRestriction.AdmitTokenRequest(storage.Store, info.Namespace!, info.Name!, body);
        var result = CreateToken(info.Namespace!, info.Name!, body, HttpIO.DryRun(ctx));
        await HttpIO.WriteJson(ctx, 201, result);
    }

    /// <summary>TokenRequest create: validate, resolve the bound object, sign. Also used in-process by the kubelet's volume manager.</summary>
    public JsonObject CreateToken(string ns, string serviceAccount, JsonObject request, bool dryRun = false)
    {
        var spec = request["spec"] as JsonObject ?? new JsonObject();
        var seconds = spec["expirationSeconds"].Long() ?? DefaultExpirationSeconds;
        var errors = new List<FieldError>();
        if (seconds < MinExpirationSeconds)
            errors.Add(FieldError.Invalid("spec.expirationSeconds", seconds.ToString(CultureInfo.InvariantCulture), "may not specify a duration less than 10 minutes"));
        if (seconds > MaxExpirationSeconds)
            errors.Add(FieldError.Invalid("spec.expirationSeconds", seconds.ToString(CultureInfo.InvariantCulture), "may not specify a duration larger than 2^32 seconds"));
        if (errors.Count > 0) throw ApiError.Invalid(TokenRequestType, serviceAccount, errors);

        var sa = storage.GetReadOnly(ResourceRegistry.ForKind("ServiceAccount"), ns, serviceAccount);
        var audiences = spec["audiences"] is JsonArray a && a.Count > 0 ? a.Select(x => x?.ToString() ?? "").ToList() : [ServiceAccountTokens.Issuer];
        var binding = new TokenBinding(ns, serviceAccount, sa.Uid() ?? "");
        var now = storage.Time.GetUtcNow();
        long? warnAfter = null;
        var lifetime = seconds;
        if (spec["boundObjectRef"] is JsonObject bound)
        {
            var kind = bound.Str("kind") ?? "";
            var apiVersion = bound.Str("apiVersion") ?? "";
            var name = bound.Str("name") ?? "";
            JsonObject target;
            switch (kind)
            {
                case "Pod" when apiVersion == "v1":
                    target = storage.GetReadOnly(ResourceRegistry.ForKind("Pod"), ns, name);
                    var podSa = target.Path("spec.serviceAccountName")?.ToString();
                    if (string.IsNullOrEmpty(podSa)) podSa = "default";
                    if (podSa != serviceAccount)
                        throw ApiError.BadRequest($"cannot bind token for serviceaccount \"{serviceAccount}\" to pod running with different serviceaccount name.");
                    binding = binding with { PodName = name, PodUid = target.Uid() };
                    // ServiceAccountTokenPodNodeInfo (on in 1.32): a pod-bound token also names the pod's node.
                    if (target.Path("spec.nodeName")?.ToString() is { Length: > 0 } nodeName)
                        binding = binding with { NodeName = nodeName, NodeUid = storage.Store.GetReadOnly(ResourceRegistry.ForKind("Node"), null, nodeName)?.Uid() ?? "" };
                    if (seconds == KubeletExpirationSeconds && audiences.SequenceEqual([ServiceAccountTokens.Issuer]))
                    {
                        warnAfter = now.ToUnixTimeSeconds() + seconds;
                        lifetime = ExtendedExpirationSeconds;
                    }
                    break;
                case "Secret" when apiVersion == "v1":
                    target = storage.GetReadOnly(ResourceRegistry.ForKind("Secret"), ns, name);
                    binding = binding with { SecretName = name, SecretUid = target.Uid() };
                    break;
                case "Node" when apiVersion == "v1":
                    target = storage.GetReadOnly(ResourceRegistry.ForKind("Node"), null, name);
                    binding = binding with { NodeName = name, NodeUid = target.Uid() };
                    break;
                default:
                    throw ApiError.BadRequest($"cannot bind token to object of type {(apiVersion.Length == 0 ? "" : apiVersion + ", ")}Kind={kind}");
            }
            if (bound.Str("uid") is { Length: > 0 } uid && uid != target.Uid())
                throw new ApiError(409, "Conflict", $"Operation cannot be fulfilled on {kind} \"{name}\": the UID in the bound object reference ({uid}) does not match the UID in record. The object might have been deleted and then recreated",
                    new JsonObject { ["name"] = name, ["kind"] = kind });
        }
        var token = dryRun ? "" : tokens.Issue(binding, audiences, now, lifetime, warnAfter).Token;
        var outSpec = spec.DeepClone().AsObject();
        outSpec["audiences"] = new JsonArray(audiences.Select(x => (JsonNode?)x).ToArray());
        outSpec["expirationSeconds"] = seconds;
        return new JsonObject
        {
            ["kind"] = "TokenRequest", ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = serviceAccount, ["namespace"] = ns, ["creationTimestamp"] = ObjectMeta.Timestamp(now) },
            ["spec"] = outSpec,
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = ObjectMeta.Timestamp(now.AddSeconds(seconds)) },
        };
    }

    private static readonly ResourceType TokenRequestType = new("authentication.k8s.io", "v1", "TokenRequest", "tokenrequests", true, [], []);

    /// <summary>POST /apis/authentication.k8s.io/v1/selfsubjectreviews or tokenreviews.</summary>
    public async Task ServeReview(HttpContext ctx, string method, RequestInfo info)
    {
        if (method != "POST" || info.Name is not null) throw ApiError.MethodNotAllowed();
        var body = await HttpIO.ReadObject(ctx);
        var now = ObjectMeta.Timestamp(storage.Time.GetUtcNow());
        if (info.Resource.Kind == "SelfSubjectReview")
        {
            await HttpIO.WriteJson(ctx, 201, new JsonObject
            {
                ["kind"] = "SelfSubjectReview", ["apiVersion"] = "authentication.k8s.io/v1",
                ["metadata"] = new JsonObject { ["creationTimestamp"] = now },
                ["status"] = new JsonObject { ["userInfo"] = UserJson(AuthenticationFilter.User(ctx)) },
            });
            return;
        }
        var token = body.Path("spec.token")?.ToString();
        if (string.IsNullOrEmpty(token)) throw ApiError.BadRequest("token is required for TokenReview in authentication");
        var wanted = body.Path("spec.audiences") is JsonArray a && a.Count > 0 ? a.Select(x => x?.ToString() ?? "").ToList() : [ServiceAccountTokens.Issuer];
        var (user, error) = authenticator.Authenticate(token, wanted);
        var status = new JsonObject { ["authenticated"] = user is not null };
        if (user is not null)
        {
            status["user"] = UserJson(user);
            status["audiences"] = new JsonArray(wanted.Select(x => (JsonNode?)x).ToArray());
        }
        else
        {
            status["user"] = new JsonObject();
            status["error"] = "[invalid bearer token, " + error + "]";
        }
        var spec = body["spec"]?.DeepClone() ?? new JsonObject();
        await HttpIO.WriteJson(ctx, 201, new JsonObject
        {
            ["kind"] = "TokenReview", ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["creationTimestamp"] = now },
            ["spec"] = spec,
            ["status"] = status,
        });
    }

    /// <summary>authentication/v1 UserInfo: username, uid (omitempty), groups, extra (omitempty).</summary>
    public static JsonObject UserJson(UserInfo user)
    {
        var o = new JsonObject { ["username"] = user.Name };
        if (user.Uid.Length > 0) o["uid"] = user.Uid;
        o["groups"] = new JsonArray(user.Groups.Select(g => (JsonNode?)g).ToArray());
        if (user.Extra is { Count: > 0 } extra)
            o["extra"] = new JsonObject(extra.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(v => (JsonNode?)v).ToArray()))));
        return o;
    }
}
