using System.Text.RegularExpressions;
using Summit.Dr.Errors;

namespace Summit.Dr.Engine.Docker;

/// <summary>
/// A named volume seen inside a container, written as `--mount type=volume,...`. The name must follow docker's own
/// rules for a volume name, so no value can carry a second key (a comma, `type=bind`) into the mount.
/// </summary>
public sealed partial record VolumeMount(string Volume, string Target, bool ReadOnly = false)
{
    public string Argument => !Valid().IsMatch(Volume)
        ? throw new IntegrityException($"'{Volume}' is not a docker volume name (letters, digits, `_`, `.` and `-`): no container is " +
            $"started with it.")
        : !Path().IsMatch(Target)
        ? throw new IntegrityException($"'{Target}' is not a plain absolute path to mount a volume at (no comma, quote or `=`): no " +
            $"container is started with it.")
        : $"type=volume,source={Volume},target={Target}" + (ReadOnly ? ",readonly" : string.Empty);

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]{1,254}$")]
    private static partial Regex Valid();

    [GeneratedRegex("^/[^,\"=\n]*$")]
    private static partial Regex Path();
}
