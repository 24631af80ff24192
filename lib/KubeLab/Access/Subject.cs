namespace KubeLab;

/// <summary>
/// Someone the API server can authenticate: a user (from a client certificate or a token), a ServiceAccount, or a member of
/// a group. <see cref="UserName"/> and <see cref="Groups"/> are what the authenticator would report for it (a ServiceAccount
/// is "system:serviceaccount:&lt;ns&gt;:&lt;name&gt;" in system:serviceaccounts and system:serviceaccounts:&lt;ns&gt;; every
/// authenticated subject is also in system:authenticated).
/// </summary>
public sealed record Subject(string Kind, string Name, string? Namespace = null, IReadOnlyList<string>? ExtraGroups = null)
{
    public static Subject User(string name, params string[] groups) => new("User", name, null, groups);
    public static Subject ServiceAccount(string ns, string name) => new("ServiceAccount", name, ns);
    /// <summary>Any member of the group (a made-up user name "member-of-&lt;group&gt;" in that group).</summary>
    public static Subject Group(string group) => new("Group", group);

    public string UserName => Kind switch
    {
        "ServiceAccount" => $"system:serviceaccount:{Namespace}:{Name}",
        "Group" => $"member-of-{Name}",
        _ => Name,
    };

    public IReadOnlyList<string> Groups => Kind switch
    {
        "ServiceAccount" => ["system:serviceaccounts", $"system:serviceaccounts:{Namespace}", "system:authenticated"],
        "Group" => [Name, "system:authenticated"],
        _ => [.. ExtraGroups ?? [], "system:authenticated"],
    };

    /// <summary>
    /// The groups to name when impersonating: none for a ServiceAccount (the API server adds its groups itself), and never
    /// system:authenticated (added to every impersonated user).
    /// </summary>
    private IEnumerable<string> ImpersonatedGroups => Kind == "ServiceAccount" ? [] : Groups.Where(g => g != "system:authenticated");

    /// <summary>kubectl's --as / --as-group for this subject.</summary>
    public string KubectlFlags => string.Join(' ', ImpersonatedGroups.Select(g => $"--as-group={g}").Prepend($"--as={UserName}"));

    /// <summary>The impersonation headers kubectl sends for <see cref="KubectlFlags"/> (Impersonate-User, Impersonate-Group).</summary>
    internal IEnumerable<KeyValuePair<string, string>> ImpersonationHeaders =>
        ImpersonatedGroups.Select(g => KeyValuePair.Create("Impersonate-Group", g)).Prepend(KeyValuePair.Create("Impersonate-User", UserName));

    public override string ToString() => Kind == "ServiceAccount" ? $"sa:{Namespace}/{Name}" : Kind == "Group" ? $"group:{Name}" : Name;
}
