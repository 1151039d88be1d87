// Keeps one pane's crash from blanking the page: shows what failed, with a way to try again.
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What the pane is, for the message ("The outline could not be shown"). */
  name: string;
  children: ReactNode;
}

export class PaneErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn(`nflens: the ${this.props.name} failed`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="pane-error" role="alert">
        <p>
          <strong>The {this.props.name} could not be shown.</strong>
        </p>
        <p className="pane-error-message">{error.message || String(error)}</p>
        <p>The rest of the page still works. This is a bug in nflens.</p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
