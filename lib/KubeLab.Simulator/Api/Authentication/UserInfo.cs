namespace KubeLab.Simulator.Api.Authentication;

/// <summary>
/// Who made a request, as an authenticator found it (k8s.io/apiserver/pkg/authentication/user.Info): name, uid, groups and
/// extra. Authentication fills it in; impersonation may replace it; authorization and audit read it.
/// </summary>
public sealed record UserInfo(string Name, IReadOnlyList<string> Groups, string Uid = "", IReadOnlyDictionary<string, IReadOnlyList<string>>? Extra = null)
{
    /// <summary>The HttpContext.Items key under which the request's user is kept.</summary>
    public const string ItemKey = "kubelab.user";

    /// <summary>kube-apiserver's anonymous user (authentication/request/anonymous).</summary>
    public static UserInfo Anonymous { get; } = new("system:anonymous", ["system:unauthenticated"]);

    public bool InGroup(string group) => Groups.Contains(group, StringComparer.Ordinal);
}
