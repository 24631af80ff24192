using System.Text;

namespace KubeLab.Simulator.Kubelet.Environment;

/// <summary>
/// Kubernetes' <c>$(VAR)</c> expansion (third_party/forked/golang/expansion/expand.go), used for env values, command, args
/// and subPathExpr: <c>$(NAME)</c> becomes the variable's value, or stays <c>$(NAME)</c> verbatim when it is not defined;
/// <c>$$</c> is an escaped <c>$</c> (so <c>$$(NAME)</c> gives the literal <c>$(NAME)</c>); an unterminated <c>$(</c> and a
/// <c>$</c> before any other character are kept as they are.
/// </summary>
public static class EnvExpansion
{
    public static string Expand(string input, Func<string, string?> lookup)
    {
        var result = new StringBuilder();
        var checkpoint = 0;
        for (var cursor = 0; cursor < input.Length; cursor++)
        {
            if (input[cursor] != '$' || cursor + 1 >= input.Length) continue;
            result.Append(input, checkpoint, cursor - checkpoint);
            var (read, isVariable, advance) = ReadVariableName(input, cursor + 1);
            result.Append(isVariable ? lookup(read) ?? "$(" + read + ")" : read);
            cursor += advance;
            checkpoint = cursor + 1;
        }
        return result.Append(input, checkpoint, input.Length - checkpoint).ToString();
    }

    /// <summary>Looks a name up in the maps in order (MappingFuncFor).</summary>
    public static Func<string, string?> Lookup(params IReadOnlyDictionary<string, string>[] maps) => name =>
    {
        foreach (var map in maps)
            if (map.TryGetValue(name, out var value)) return value;
        return null;
    };

    private static (string Read, bool IsVariable, int Advance) ReadVariableName(string input, int start)
    {
        switch (input[start])
        {
            case '$':
                return ("$", false, 1);
            case '(':
                for (var i = start + 1; i < input.Length; i++)
                    if (input[i] == ')') return (input[(start + 1)..i], true, i - start + 1);
                return ("$(", false, 1);
            default:
                return ("$" + input[start], false, 1);
        }
    }
}
