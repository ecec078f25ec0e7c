import type * as pulumi from "@pulumi/pulumi";

/**
 * Lets a user adjust a resource the kit creates without forking the component: either fields to
 * merge into its args, or a function that edits the args and options in place.
 * @example
 * transform: { record: (args) => { args.tags = ["team:web"]; } }
 */
export type Transform<Args> = Partial<Args> | ((args: Args, opts: pulumi.CustomResourceOptions, name: string) => void);

export function applyTransform<Args extends object>(
  transform: Transform<Args> | undefined,
  name: string,
  args: Args,
  opts: pulumi.CustomResourceOptions,
): [string, Args, pulumi.CustomResourceOptions] {
  if (typeof transform === "function") transform(args, opts, name);
  else if (transform) Object.assign(args, transform);
  return [name, args, opts];
}
