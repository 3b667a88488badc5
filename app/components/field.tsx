/** A labelled input whose error text is tied to it for screen readers. */
export function Field(props: {
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  defaultValue?: string;
  /** Controlled: a form action's reset (React 19) then keeps what was typed. */
  value?: string;
  onValueChange?: (value: string) => void;
  error?: string;
  hint?: string;
  required?: boolean;
  minLength?: number;
  maxLength?: number;
  autoFocus?: boolean;
}) {
  const id = `field-${props.name}`;
  const describedBy = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        defaultValue={props.defaultValue}
        value={props.value}
        onChange={props.onValueChange ? (event) => props.onValueChange!(event.target.value) : undefined}
        required={props.required ?? true}
        minLength={props.minLength}
        maxLength={props.maxLength}
        autoFocus={props.autoFocus}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={describedBy}
      />
      {props.hint ? <p id={`${id}-hint`} className="hint">{props.hint}</p> : null}
      {props.error ? <p id={`${id}-error`} className="field-error">{props.error}</p> : null}
    </div>
  );
}
