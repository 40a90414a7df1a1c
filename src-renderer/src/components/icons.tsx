// A small inline SVG icon set (stroke = currentColor), so status never relies on colour alone.
import type { ReactElement } from 'react';

export type IconName =
  | 'check'
  | 'x'
  | 'alert'
  | 'clock'
  | 'pause'
  | 'play'
  | 'bell'
  | 'server'
  | 'gauge'
  | 'list'
  | 'settings'
  | 'plus'
  | 'edit'
  | 'trash'
  | 'refresh'
  | 'sun'
  | 'moon'
  | 'monitor'
  | 'key'
  | 'wifi-off'
  | 'info'
  | 'arrow-left'
  | 'external'
  | 'archive'
  | 'send'
  | 'search';

const paths: Record<IconName, ReactElement> = {
  check: <path d="M4 10.5l3.5 3.5L16 6" />,
  x: <path d="M5.5 5.5l9 9m0-9l-9 9" />,
  alert: (
    <>
      <path d="M10 3.2L18 17H2L10 3.2z" />
      <path d="M10 8.5v3.5m0 2.5v.01" />
    </>
  ),
  clock: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M10 6v4l2.5 2" />
    </>
  ),
  pause: <path d="M7.5 5v10m5-10v10" />,
  play: <path d="M6.5 4.5l9 5.5-9 5.5z" />,
  bell: (
    <>
      <path d="M5 14V9a5 5 0 0110 0v5l1.5 1.5h-13L5 14z" />
      <path d="M8.5 17.5a1.7 1.7 0 003 0" />
    </>
  ),
  server: (
    <>
      <rect x="3" y="3.5" width="14" height="5.5" rx="1.5" />
      <rect x="3" y="11" width="14" height="5.5" rx="1.5" />
      <path d="M6 6.25h.01M6 13.75h.01" />
    </>
  ),
  gauge: (
    <>
      <path d="M3.5 14a6.5 6.5 0 1113 0" />
      <path d="M10 14l3-4.5" />
    </>
  ),
  list: <path d="M7 5.5h10M7 10h10M7 14.5h10M3.5 5.5h.01M3.5 10h.01M3.5 14.5h.01" />,
  settings: (
    <>
      <circle cx="10" cy="10" r="2.5" />
      <path d="M10 2.5v2m0 11v2M2.5 10h2m11 0h2M4.7 4.7l1.4 1.4m7.8 7.8l1.4 1.4M4.7 15.3l1.4-1.4m7.8-7.8l1.4-1.4" />
    </>
  ),
  plus: <path d="M10 4v12M4 10h12" />,
  edit: <path d="M13.5 3.5l3 3L7 16H4v-3l9.5-9.5z" />,
  trash: (
    <>
      <path d="M3.5 5.5h13M8 5.5V3.5h4v2M5.5 5.5l.8 11h7.4l.8-11" />
    </>
  ),
  refresh: (
    <>
      <path d="M16 10a6 6 0 11-1.8-4.3" />
      <path d="M16 3.5v3.5h-3.5" />
    </>
  ),
  sun: (
    <>
      <circle cx="10" cy="10" r="3.2" />
      <path d="M10 2v2m0 12v2M2 10h2m12 0h2M4.3 4.3l1.4 1.4m8.6 8.6l1.4 1.4M4.3 15.7l1.4-1.4m8.6-8.6l1.4-1.4" />
    </>
  ),
  moon: <path d="M16 12.5A6.5 6.5 0 017.5 4a6.5 6.5 0 108.5 8.5z" />,
  monitor: (
    <>
      <rect x="2.5" y="3.5" width="15" height="10" rx="1.5" />
      <path d="M7 17h6m-3-3.5V17" />
    </>
  ),
  key: (
    <>
      <circle cx="6.5" cy="13.5" r="3" />
      <path d="M8.6 11.4L16 4m-2.5 2.5l2 2M11.5 8.5l1.5 1.5" />
    </>
  ),
  'wifi-off': (
    <>
      <path d="M3 3l14 14" />
      <path d="M2.5 7.5a11 11 0 014.2-2.3m3.3-.2a11 11 0 017.5 2.5M5 10.5a7 7 0 013.3-1.8M12.5 9a7 7 0 012.5 1.5M7.5 13.5a3.5 3.5 0 015 0M10 16.5h.01" />
    </>
  ),
  info: (
    <>
      <circle cx="10" cy="10" r="7" />
      <path d="M10 9v4.5M10 6.5v.01" />
    </>
  ),
  'arrow-left': <path d="M16 10H4m5-5l-5 5 5 5" />,
  external: <path d="M11 4h5v5m0-5l-7 7M14 11.5V16H4V6h4.5" />,
  archive: (
    <>
      <path d="M3 4.5h14v3H3z" />
      <path d="M4.5 7.5V16h11V7.5M8 10.5h4" />
    </>
  ),
  send: <path d="M17 3L8.5 11.5M17 3l-5 14-3.5-5.5L3 8z" />,
  search: (
    <>
      <circle cx="8.5" cy="8.5" r="5" />
      <path d="M12.2 12.2L17 17" />
    </>
  ),
};

export function Icon({ name, size = 16, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {paths[name]}
    </svg>
  );
}
